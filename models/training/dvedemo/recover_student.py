"""Rebuild the student's PyTorch weights from a shipped image.onnx (fp32 or with int8 MatMuls), so
training can continue from the shipped pack when its training checkpoint is gone.

Names: the exporter names most initializers after their parameters but gives transposed MatMul
weights anonymous names (`onnx::MatMul_6400`). Exporting a fresh, randomly initialised Student the
same way tells which parameter each initializer holds (random values are unique); the shipped graph,
from the same exporter and code, uses the same names. Int8 weights are dequantised. The decoder's
Conv + BatchNorm was folded into one conv by the exporter: the conv gets the folded weight and the
BatchNorm is set, from statistics measured on training frames, to pass the conv's output through
unchanged, so the rebuilt model gives the shipped output in eval mode and close to it in train mode.

  python -m dvedemo.recover_student --onnx ../demo/image.onnx --data work/train --out work/student-v1/ckpt.pt
"""
import argparse
import json
import os
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .checkpoint import load_compact
from .dataset import load
from .export_image import export_onnx, pixel_cos, run, session
from .student import Student
from .train_student import make_batch, normalise, save_atomic

FOLDED_CONV = "fuse.0.weight"
BN = "fuse.1"


def initializer_arrays(path):
    """{name: float array}, int8 weights dequantised ((q - zero point) * scale, per tensor or per column)."""
    g = onnx.load(path).graph
    raw = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    quantised = [n[: -len("_quantized")] for n in raw if n.endswith("_quantized")]
    # Only a quantised weight's own scale is auxiliary: `attn.logit_scale` is a parameter.
    auxiliary = {b + sfx for b in quantised for sfx in ("_quantized", "_scale", "_zero_point")}
    out = {b: (raw[b + "_quantized"].astype(np.float32) - raw[b + "_zero_point"].astype(np.float32))
           * raw[b + "_scale"].astype(np.float32) for b in quantised}
    out.update({n: a.astype(np.float32) for n, a in raw.items() if n not in auxiliary and a.dtype.kind == "f"})
    return out


def name_map(model):
    """{parameter name: (initializer name, transposed)} from an fp32 export of `model` itself."""
    bn = model.fuse[1]
    with torch.no_grad():  # unique values everywhere (some parameters start equal, e.g. logit_scale)
        for t in list(model.parameters()) + [bn.running_mean, bn.running_var]:
            t.add_(torch.rand_like(t) * 1e-3 + (0.5 if t is bn.running_var else 0))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "fresh.onnx")
        export_onnx(model.eval(), path)
        fresh = initializer_arrays(path)
    by_bytes = {}
    for name, a in fresh.items():
        by_bytes.setdefault((a.shape, a.tobytes()), []).append((name, False))
        if a.ndim == 2:
            by_bytes.setdefault((a.T.shape, np.ascontiguousarray(a.T).tobytes()), []).append((name, True))
    found = {}
    for pname, p in model.named_parameters():
        a = p.detach().numpy()
        hits = by_bytes.get((a.shape, a.tobytes()), [])
        if len(hits) == 1:
            found[pname] = hits[0]
    # The folded decoder conv: the one fresh conv weight of fuse.0's shape no parameter claimed.
    claimed = {n for n, _ in found.values()}
    shape = tuple(model.state_dict()[FOLDED_CONV].shape)
    left = [n for n, a in fresh.items() if a.shape == shape and n not in claimed]
    if len(left) != 1:
        raise RuntimeError(f"cannot find the folded decoder conv among {left}")
    bias = [n for n, a in fresh.items() if a.shape == (shape[0],) and n not in claimed]
    if len(bias) != 1:
        raise RuntimeError(f"cannot find the folded decoder conv's bias among {bias}")
    found[FOLDED_CONV] = (left[0], False)
    found[BN + ".bias"] = (bias[0], False)
    return found


def rebuild(onnx_path):
    """A Student holding the shipped weights; the folded BatchNorm still to calibrate."""
    torch.manual_seed(0)
    model = Student()
    names = name_map(model)
    shipped = initializer_arrays(onnx_path)
    state = model.state_dict()
    missing = [p for p in dict(model.named_parameters()) if p not in names and not p.startswith(BN + ".")]
    if missing:
        raise RuntimeError(f"{onnx_path}: no initializer found for {missing}")
    for pname, (iname, transposed) in names.items():
        if iname not in shipped:
            raise RuntimeError(f"{onnx_path}: initializer {iname} (for {pname}) is missing: another exporter?")
        a = shipped[iname].T if transposed else shipped[iname]
        state[pname] = torch.from_numpy(np.ascontiguousarray(a)).reshape(state[pname].shape)
    model.load_state_dict(state)
    return model


def calibrate_folded_bn(model, data, stats, batches=8):
    """Set fuse.1 so that, in eval mode, BN(x) = x + folded bias, with running statistics near the
    batch statistics training will see (so train mode stays close to the shipped model too)."""
    conv, bn = model.fuse[0], model.fuse[1]
    bias = bn.bias.detach().clone()
    feats = []
    hook = conv.register_forward_hook(lambda _m, _i, o: feats.append(o.detach()))
    model.eval()
    rng = np.random.default_rng(7)
    with torch.no_grad():
        for _ in range(batches):
            idx = np.sort(rng.choice(len(data["rgb"]), 4, replace=False))
            x_rgb, x_d, _tg, _m = make_batch(data, idx, rng, stats, augment=False)
            model(x_rgb, x_d)
    hook.remove()
    y = torch.cat(feats).transpose(0, 1).reshape(conv.out_channels, -1)
    mean, var = y.mean(1), y.var(1)
    with torch.no_grad():
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var)
        bn.weight.copy_(torch.sqrt(var + bn.eps))
        bn.bias.copy_(mean + bias)
    return model


def check(model, onnx_path, data, stats, frames=6):
    """Per-pixel cosine between the rebuilt model and the shipped ONNX on `frames` frames."""
    sess = session(onnx_path)
    cos = []
    model.eval()
    for i in np.linspace(0, len(data["rgb"]) - 1, frames).astype(int):
        r, d = normalise(np.asarray(data["rgb"][i:i + 1]), np.asarray(data["depth"][i:i + 1]),
                         stats["depthMean"], stats["depthStd"])
        with torch.no_grad():
            cos.append(pixel_cos(run(sess, r, d), model(r, d).numpy()))
    cos = np.concatenate(cos)
    return {"meanPixelCos": float(cos.mean()), "p1PixelCos": float(np.percentile(cos, 1))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", default="../demo/image.onnx")
    ap.add_argument("--pack-json", default="../demo/model.json")
    ap.add_argument("--data", default="work/train")
    ap.add_argument("--out", default="work/student-v1/ckpt.pt")
    a = ap.parse_args()
    torch.set_num_threads(2)
    with open(a.pack_json) as f:
        image = json.load(f)["image"]
    stats = {"depthMean": image["depthMean"], "depthStd": image["depthStd"]}
    data = load(a.data)
    model = calibrate_folded_bn(rebuild(a.onnx), data, stats)
    report = check(model, a.onnx, data, stats)
    print(json.dumps(report))
    if report["meanPixelCos"] < 0.99:
        raise SystemExit(f"{a.onnx}: the rebuilt model differs from the shipped one ({report})")
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    save_atomic({"model": model.state_dict(), "stats": stats, "recoveredFrom": a.onnx, "check": report}, a.out)
    assert load_compact(a.out)["model"].keys() == model.state_dict().keys()


if __name__ == "__main__":
    main()
