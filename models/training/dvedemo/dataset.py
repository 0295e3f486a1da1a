"""Render a split (train / val) into work/<split>/ as .npy memmaps, in parallel worker processes.

Files: rgb (N,H,W,3) u8, depth (N,H,W) u16 mm, labels (N,H,W) u8, instances (N,H,W) u16,
seg (N,H,W) u8 segment index (0 = no target), targets (N,KMAX,D) f16 suppressed teacher vectors,
attrs.json (per frame: segment -> class/colour/material, for attribute queries), meta.json.

  python -m dvedemo.dataset --split train --scenes 600 --views 5 [--first 0]
"""
import argparse
import json
import os
import time
from multiprocessing import Pool

import numpy as np

from . import generator
from .teacher import Teacher

KMAX = 64
SEED_BASE = {"train": 100_000, "val": 900_000}


def scene_frames(split, i, views):
    """Scene i of a split (seed SEED_BASE[split] + i): [(scene, frame, seg, targets)] with the
    teacher's segments capped at KMAX - 1 targets. Deterministic for (split, i, views)."""
    seed = SEED_BASE[split] + i
    scene, frames = generator.training_frames(seed, views)
    teacher = Teacher()
    out = []
    for f in frames:
        seg, T = teacher.frame_targets(scene, seed, f["labels"], f["instances"])
        seg[seg >= KMAX] = 0
        out.append((scene, f, seg, T[: KMAX - 1]))
    return out


def _render_scene(args):
    out = []
    for scene, f, seg, T in scene_frames(*args):
        attrs = []
        for k in range(1, len(T) + 1):
            ids = np.unique(f["instances"][seg == k])
            info = scene.instances[int(ids[0])] if len(ids) else {}
            attrs.append({"cls": info.get("cls"), "colour": info.get("colour"),
                          "material": info.get("material"), "stuff": info.get("stuff")})
        out.append((f["rgb"], f["depth"], f["labels"], f["instances"], seg, T, attrs))
    return out


def build(split, n_scenes, views, out_dir, workers=2, first=0):
    """Scenes first … first + n_scenes − 1 of the split. Frames land in scene order whatever the worker
    count (imap keeps order; each scene has its own seed)."""
    os.makedirs(out_dir, exist_ok=True)
    n = n_scenes * views
    H, W = generator.H, generator.W
    mm = {}
    for name, shape, dt in [("rgb", (n, H, W, 3), np.uint8), ("depth", (n, H, W), np.uint16),
                            ("labels", (n, H, W), np.uint8), ("instances", (n, H, W), np.uint16),
                            ("seg", (n, H, W), np.uint8), ("targets", (n, KMAX, Teacher().dim), np.float16)]:
        mm[name] = np.lib.format.open_memmap(os.path.join(out_dir, name + ".npy"), "w+", dt, shape)
    attrs_all = []
    k = 0
    t0 = time.time()
    with Pool(workers) as pool:
        for res in pool.imap(_render_scene, [(split, i, views) for i in range(first, first + n_scenes)], chunksize=2):
            for rgb, depth, labels, inst, seg, T, attrs in res:
                mm["rgb"][k], mm["depth"][k], mm["labels"][k] = rgb, depth, labels
                mm["instances"][k], mm["seg"][k] = inst, seg
                mm["targets"][k] = 0
                mm["targets"][k, 1:len(T) + 1] = T  # row 0 unused: seg value 0 = no target
                attrs_all.append(attrs)
                k += 1
            if k % 200 < views:
                print(f"{split}: {k}/{n} frames, {time.time() - t0:.0f}s", flush=True)
    for a in mm.values():
        a.flush()
    d = mm["depth"][: min(n, 1000)].astype(np.float64)
    valid = d[d > 0]
    meta = {"frames": k, "views": views, "scenes": n_scenes, "firstScene": first, "split": split,
            "depthMean": float(valid.mean()), "depthStd": float(valid.std()),
            "seconds": time.time() - t0}
    with open(os.path.join(out_dir, "attrs.json"), "w") as f:
        json.dump(attrs_all, f)
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(meta, flush=True)


def load(out_dir):
    d = {name: np.load(os.path.join(out_dir, name + ".npy"), mmap_mode="r")
         for name in ("rgb", "depth", "labels", "instances", "seg", "targets")}
    with open(os.path.join(out_dir, "meta.json")) as f:
        d["meta"] = json.load(f)
    return d


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--scenes", type=int, default=600)
    ap.add_argument("--views", type=int, default=5)
    ap.add_argument("--out", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--first", type=int, default=0, help="first scene index (seed = split base + index)")
    a = ap.parse_args()
    build(a.split, a.scenes, a.views, a.out or os.path.join("work", a.split), a.workers, a.first)
