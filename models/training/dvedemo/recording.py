"""Write the held-out demo walk as a session (docs/FORMATS.md §1) to resources/demo-recording/.

The walk and its apartment come from a plan in recording_plan (v1: the shipped walk; v2: every
example object of the docs seen twice). Its seed is outside the train / val seed ranges, so the
recording is a held-out scene. Frames also go to work/recording/ as .npy (for evaluation).

  python -m dvedemo.recording --out ../../resources/demo-recording --plan v1

`--keep-out` leaves an existing recording as it is and fills work/recording/ from its files: a render
on another machine differs from the shipped JPEGs in a few pixels (float rounding; 41 of v2's 400 JPEGs
and 2 depth PNGs here on 2026-12-06, labels identical), and the pack is evaluated on what it ships.
"""
import argparse
import json
import os
import shutil

import numpy as np
from PIL import Image

from . import generator
from .recording_plan import FPS, PLANS, plan_scene
from .teacher import Teacher
from .vocab import CLASS_COLORS, CLASSES

CREATED_AT = "2026-11-26T00:00:00.000Z"  # fixed so a rerun is byte-identical


def _png(arr, path):
    Image.fromarray(arr).save(path, format="PNG", optimize=True)


def build(out, plan, work, keep_out=False):
    seed = PLANS[plan]["seed"]
    scene, poses = plan_scene(plan)
    n_frames = len(poses)
    rng = np.random.default_rng(seed + 2)
    tmp = out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for sub in ("rgb", "depth", "labels", "instances"):
        os.makedirs(os.path.join(tmp, sub))
    os.makedirs(work, exist_ok=True)
    teacher = Teacher()
    H, W = generator.H, generator.W
    arr = {k: np.zeros((n_frames, H, W) + s, dt) for k, s, dt in
           [("rgb", (3,), np.uint8), ("depth", (), np.uint16), ("labels", (), np.uint8),
            ("instances", (), np.uint16), ("seg", (), np.uint8)]}
    targets = np.zeros((n_frames, 64, teacher.dim), np.float16)
    attrs_all = []
    frames = []
    for i, T in enumerate(poses):
        f = generator.render(scene, T, rng)
        name = f"{i:06d}"
        Image.fromarray(f["rgb"]).save(os.path.join(tmp, "rgb", name + ".jpg"), quality=90)
        _png(f["depth"], os.path.join(tmp, "depth", name + ".png"))
        _png(f["labels"], os.path.join(tmp, "labels", name + ".png"))
        _png(f["instances"], os.path.join(tmp, "instances", name + ".png"))
        frames.append({"index": i, "timestampSec": round(i / FPS, 3), "sourceName": f"walk-{name}",
                       "rgb": f"rgb/{name}.jpg", "depth": f"depth/{name}.png",
                       "worldFromCamera": [round(float(v), 6) for v in f["world_from_camera"].reshape(-1)],
                       "labels": f"labels/{name}.png"})
        seg, Tg = teacher.frame_targets(scene, seed, f["labels"], f["instances"])
        Tg = Tg[:63]
        seg[seg >= 64] = 0
        # the model sees the JPEG, exactly what the console will feed it
        arr["rgb"][i] = np.asarray(Image.open(os.path.join(tmp, "rgb", name + ".jpg")))
        arr["depth"][i], arr["labels"][i], arr["instances"][i], arr["seg"][i] = f["depth"], f["labels"], f["instances"], seg
        targets[i, 1:len(Tg) + 1] = Tg
        attrs = []
        for k in range(1, len(Tg) + 1):
            ids = np.unique(f["instances"][seg == k])
            info = scene.instances[int(ids[0])]
            attrs.append({"cls": info["cls"], "colour": info["colour"], "material": info["material"],
                          "stuff": info["stuff"]})
        attrs_all.append(attrs)
    intr = generator.INTR
    manifest = {
        "format": "dve-session", "version": 1, "id": "demo-apartment",
        "name": "Demo apartment (synthetic walk)", "createdAt": CREATED_AT,
        "source": {"format": "synthetic", "path": f"models/training dvedemo.generator seed {seed}"
                                                     + ("" if plan == "v1" else f", recording plan {plan}")},
        "camera": {k: intr[k] for k in ("width", "height", "fx", "fy", "cx", "cy")},
        "rgbSize": {"width": W, "height": H},
        "depthUnitMeters": 0.001, "depthInvalidValues": [0], "hasPoses": True,
        "frames": frames,
        "labelClasses": [{"id": 0, "name": "void", "color": [0, 0, 0]}] +
                        [{"id": i + 1, "name": c, "color": list(CLASS_COLORS[i])} for i, c in enumerate(CLASSES)],
        "instances": "instances/",
    }
    with open(os.path.join(tmp, "session.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    if keep_out:
        _take_shipped_pixels(out, manifest, arr)
        shutil.rmtree(tmp)
    else:
        shutil.rmtree(out, ignore_errors=True)
        os.replace(tmp, out)
    for k, v in arr.items():
        np.save(os.path.join(work, k + ".npy"), v)
    np.save(os.path.join(work, "targets.npy"), targets)
    with open(os.path.join(work, "attrs.json"), "w") as f:
        json.dump(attrs_all, f)
    with open(os.path.join(work, "meta.json"), "w") as f:
        json.dump({"frames": n_frames, "split": "recording"}, f)
    size = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(out) for fn in fns)
    print(f"wrote {n_frames} frames to {out}: {size / 1e6:.1f} MB")


def _take_shipped_pixels(out, manifest, arr):
    """The evaluation arrays' colour and depth from the recording at `out`, whose labels must be this render's."""
    for i, frame in enumerate(manifest["frames"]):
        labels = np.asarray(Image.open(os.path.join(out, frame["labels"])))
        if not np.array_equal(labels, arr["labels"][i]):
            raise SystemExit(f"{out}/{frame['labels']}: the labels differ from this plan's render; is it another plan?")
        arr["rgb"][i] = np.asarray(Image.open(os.path.join(out, frame["rgb"])))
        arr["depth"][i] = np.asarray(Image.open(os.path.join(out, frame["depth"])))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="../../resources/demo-recording")
    ap.add_argument("--plan", choices=sorted(PLANS), default="v1")
    ap.add_argument("--work", default="work/recording")
    ap.add_argument("--keep-out", action="store_true", help="leave --out as it is; evaluate on its files")
    a = ap.parse_args()
    build(a.out, a.plan, a.work, a.keep_out)
