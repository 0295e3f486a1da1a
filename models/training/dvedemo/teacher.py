"""Stand-in for the Alpha-CLIP teacher: a fixed D-dim embedding space with semantic structure.

  proto_c  = normalize(0.55 * group_g(c) + 0.85 * own_c)     seating classes sit near each other
  region   = normalize(proto_c + 0.45 * colour_a + 0.25 * material_m + 0.12 * noise_instance)
  image    = normalize(mean of the frame's segment embeddings)
  target   = normalize(normalize(region) - 0.65 * image)       DVEFormer's scene-context suppression
  text(x)  = normalize(proto_c [+ 0.45 * colour] [+ 0.25 * material])   (not suppressed, as in CLIP)

Segments follow DVEFormer's panoptic convention: one per thing instance, one per stuff class
(wall, floor, ceiling) per frame. numpy only.
"""
import numpy as np

from .vocab import CLASSES, COLOUR_NAMES, GROUPS, MATERIALS

DIM = 256
ALPHA = 0.65
SEED = 20261126
STUFF = ("wall", "floor", "ceiling")


def _unit(x, axis=-1):
    return x / (np.linalg.norm(x, axis=axis, keepdims=True) + 1e-12)


class Teacher:
    def __init__(self, dim=DIM, seed=SEED):
        rng = np.random.default_rng(seed)
        self.dim = dim
        group_dir = {g: _unit(rng.normal(size=dim)) for g in GROUPS}
        group_of = {c: g for g, cs in GROUPS.items() for c in cs}
        own = _unit(rng.normal(size=(len(CLASSES), dim)))
        self.protos = _unit(np.stack([0.55 * group_dir[group_of[c]] + 0.85 * own[i]
                                      for i, c in enumerate(CLASSES)]))
        self.colour = {n: _unit(rng.normal(size=dim)) for n in COLOUR_NAMES}
        self.material = {n: _unit(rng.normal(size=dim)) for n in MATERIALS}

    def concept(self, cls, colour=None, material=None):
        """Noise-free vector of a concept; used as the text-tower regression target."""
        v = self.protos[CLASSES.index(cls)].copy()
        if colour in self.colour:
            v = v + 0.45 * self.colour[colour]
        if material in self.material:
            v = v + 0.25 * self.material[material]
        return _unit(v)

    def region(self, info, noise_seed):
        """Embedding of one segment (an instance dict from scenes.Scene.instances)."""
        v = self.protos[info["class_id"] - 1].copy()
        if info.get("colour") in self.colour:
            v += 0.45 * self.colour[info["colour"]]
        if info.get("material") in self.material:
            v += 0.25 * self.material[info["material"]]
        v += 0.12 * _unit(np.random.default_rng(noise_seed).normal(size=self.dim))
        return _unit(v)

    def frame_targets(self, scene, scene_seed, labels, instances, min_pixels=16):
        """Per-frame segment map (uint8, 0 = no target) and suppressed targets (K, D) float32.

        Segment k (1-based) covers its pixels in the returned map; targets[k-1] is its vector.
        """
        seg = np.zeros(labels.shape, np.uint8)
        keys, vecs = [], []
        ids, counts = np.unique(instances, return_counts=True)
        stuff_done = set()
        for iid, cnt in zip(ids, counts):
            if iid == 0:
                continue
            info = scene.instances[int(iid)]
            if info["class_id"] == 0:
                continue
            if info["stuff"]:
                if info["cls"] in stuff_done:
                    continue
                stuff_done.add(info["cls"])
                mask = labels == info["class_id"]
                # one segment per stuff class and frame; its noise is per class and scene
                e = self.region(info, (scene_seed, 999_000 + info["class_id"]))
            else:
                mask = instances == iid
                e = self.region(info, (scene_seed, int(iid)))
            if mask.sum() < min_pixels:
                continue
            keys.append(mask)
            vecs.append(e)
        if not vecs:
            return seg, np.zeros((0, self.dim), np.float32)
        E = np.stack(vecs)
        img = _unit(E.mean(0))
        T = _unit(E - ALPHA * img)
        for k, mask in enumerate(keys):
            seg[mask] = k + 1
        return seg, T.astype(np.float32)
