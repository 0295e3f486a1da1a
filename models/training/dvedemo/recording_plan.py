"""What the demo recording walks through (numpy only).

v1 is the shipped walk (a random furnishing of a 3-room apartment). v2 is planned so that every
object the README, the Ask placeholder and the docs use as an example (plant, sofa/couch, bed, tv,
door, chair, and the bean bag of the caregiver story) stands in the rooms, each seen on at least
two separate visits (the console's rule: frames where it is in view, gaps under 3 s joined), which
`visits` checks with a cheap low-resolution ray cast of the walk.
"""
import numpy as np

from . import generator, raycast
from .vocab import CLASSES

FPS = 10.0
VISIT_GAP_S = 3.0  # docs/QUERY.md: a visit is a run of passing frames, gaps shorter than 3 s joined

# kinds: room types in walk order; required: furniture placed first in each room (scenes.furnish
# names: "tvset" is a tv on a bench or wall, "dining" a table with chairs); returnTrip: the walk
# comes back the same way (v2: 40 s, every example object on 3-5 visits at 1 % of the frame).
PLANS = {
    "v1": {"seed": 4242, "kinds": ["living", "office", "bedroom"], "required": None, "frames": 260},
    "v2": {"seed": 4243, "kinds": ["living", "office", "bedroom"], "frames": 400, "returnTrip": True,
           "required": [["sofa", "bean bag", "tvset", "plant"],
                        ["dining", "plant", "bean bag"],
                        ["bed", "tvset", "plant", "chair"]]},
}


def plan_scene(name):
    p = PLANS[name]
    scene = generator.make_scene(p["seed"], n_rooms=len(p["kinds"]), kinds=p["kinds"], required=p["required"])
    poses = generator.walk_path(scene, p["seed"] + 1, p["frames"], p.get("returnTrip", False))
    return scene, poses


def visible_classes(scene, poses, min_share=0.004, scale=8):
    """Per pose, the classes covering at least `min_share` of a 1/`scale` resolution ray cast."""
    intr = dict(generator.INTR)
    w, h = intr["width"] // scale, intr["height"] // scale
    intr = {"width": w, "height": h, "fx": intr["fx"] / scale, "fy": intr["fy"] / scale,
            "cx": (w - 1) / 2, "cy": (h - 1) / 2}
    dc, shape = generator.camera_rays(intr)
    cls_of = np.array([p.class_id for p in scene.prims] + [0])
    out = []
    for T in poses:
        idx, _, _, _ = raycast.cast(scene.prims, T[:3, 3], (dc @ T[:3, :3].T).reshape(*shape, 3), T[:3, :3], intr)
        counts = np.bincount(cls_of[idx.ravel()], minlength=len(CLASSES) + 1)
        out.append({CLASSES[c - 1] for c in np.nonzero(counts >= min_share * w * h)[0] if c})
    return out


def visits(seen_per_frame, cls, fps=FPS, gap_s=VISIT_GAP_S):
    """Runs of frames showing `cls`, joined across gaps shorter than gap_s."""
    frames = [i for i, s in enumerate(seen_per_frame) if cls in s]
    if not frames:
        return 0
    return 1 + sum(1 for a, b in zip(frames, frames[1:]) if (b - a) / fps >= gap_s)
