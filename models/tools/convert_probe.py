#!/usr/bin/env python3
"""Convert a DVEFormer linear-probe checkpoint (.pth) to a console class set (docs/FORMATS.md §3).

  python models/tools/convert_probe.py probe.pth --classes nyuv2-40 --name nyuv2-probe --out models/dveformer/classes

The authors' probe checkpoints keep the 1x1 conv head under `linear_probing_head_state_dict`:
`weight` is C x D x 1 x 1 (D = 768 for the released models), `bias` (C) when present. Writes
<name>.json, <name>.probe.npy (C, D float32) and <name>.probe-bias.npy (C) next to it.
Class names: --classes (a built-in list, output index k = dataset id k + 1, void excluded) or
--class-names (a text file, one name per line, in output order).
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_lists import class_list  # noqa: E402

HEAD_KEY = "linear_probing_head_state_dict"


class ProbeError(Exception):
    pass


def load_probe(path):
    import torch
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    if not isinstance(checkpoint, dict) or HEAD_KEY not in checkpoint:
        keys = list(checkpoint)[:10] if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise ProbeError(f"{path}: no '{HEAD_KEY}' in the checkpoint (keys: {keys})")
    head = checkpoint[HEAD_KEY]
    if "weight" not in head:
        raise ProbeError(f"{path}: '{HEAD_KEY}' has no 'weight' (keys: {list(head)})")
    weight = head["weight"].detach().cpu().numpy().astype(np.float32)
    if weight.ndim == 4:
        if weight.shape[2:] != (1, 1):
            raise ProbeError(f"{path}: {HEAD_KEY}.weight is {tuple(weight.shape)}; a 1x1 conv (C x D x 1 x 1) was expected")
        weight = weight[:, :, 0, 0]
    if weight.ndim != 2:
        raise ProbeError(f"{path}: {HEAD_KEY}.weight has shape {tuple(weight.shape)}; C x D (x 1 x 1) expected")
    bias = head.get("bias")
    bias = None if bias is None else bias.detach().cpu().numpy().astype(np.float32).reshape(-1)
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise ProbeError(f"{path}: {HEAD_KEY}.bias has {bias.shape[0]} values for {weight.shape[0]} classes")
    return np.ascontiguousarray(weight), bias


def convert(pth, out_dir, name, names, colors):
    weight, bias = load_probe(pth)
    if weight.shape[0] != len(names):
        raise ProbeError(f"{pth}: the probe has {weight.shape[0]} classes but the class list has {len(names)}")
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, f"{name}.probe.npy"), weight)
    probe = {"weights": f"{name}.probe.npy"}
    if bias is not None:
        np.save(os.path.join(out_dir, f"{name}.probe-bias.npy"), bias)
        probe["bias"] = f"{name}.probe-bias.npy"
    class_set = {
        "format": "dve-class-set", "version": 1, "name": name, "embeddingDim": int(weight.shape[1]),
        "classes": [{"name": n, "color": list(c), "prompts": [n]} for n, c in zip(names, colors)],
        "probe": probe,
    }
    path = os.path.join(out_dir, f"{name}.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(class_set, f, indent=2)
    os.replace(tmp, path)
    return path, weight.shape


def palette(count):
    """Distinct colours for a custom list (golden-angle hues)."""
    import colorsys
    return [[round(255 * v) for v in colorsys.hsv_to_rgb((i * 0.381966) % 1, 0.65, 0.95)] for i in range(count)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pth")
    ap.add_argument("--out", required=True, help="folder for <name>.json and the .npy files")
    ap.add_argument("--name", required=True, help="class-set name (file stem)")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--classes", help="nyuv2-40, sunrgbd-37, scannet-40 or scannet-20")
    group.add_argument("--class-names", help="text file, one class name per line in output order")
    a = ap.parse_args()
    try:
        if a.classes:
            names, colors = class_list(a.classes)
        else:
            with open(a.class_names) as f:
                names = [line.strip() for line in f if line.strip()]
            colors = palette(len(names))
        path, shape = convert(a.pth, a.out, a.name, names, colors)
    except (ProbeError, ValueError, OSError) as e:
        print(f"convert_probe: {e}", file=sys.stderr)
        return 1
    print(f"wrote {path}: {shape[0]} classes x {shape[1]}-d probe")
    return 0


if __name__ == "__main__":
    sys.exit(main())
