"""Export the trained student to ONNX (static 1x3x240x320 + 1x1x240x320), quantise MatMuls to
int8 when the per-pixel cosine to fp32 stays >= 0.99 on held-out frames, and time it in ORT.

  python -m dvedemo.export_image --ckpt work/student/final.pt --out ../demo/image.onnx
  python -m dvedemo.export_image --ckpt <files from the device>/student.pt --out ../demo/image.onnx
"""
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np
import torch

from .checkpoint import load_compact
from .dataset import load
from .student import Student
from .train_student import normalise

OUTPUT = "dense_visual_embedding_decoder_0"


def load_student(path):
    """train_student's ckpt.pt / final.pt or gpu_run's compact student.pt (or its parts)."""
    s = load_compact(path)
    m = Student()
    m.load_state_dict(s["model"])
    return m.eval(), s


def export_onnx(model, path, H=240, W=320):
    rgb = torch.zeros(1, 3, H, W)
    depth = torch.zeros(1, 1, H, W)
    with torch.no_grad():
        try:
            torch.onnx.export(model, (rgb, depth), path, input_names=["rgb", "depth"], output_names=[OUTPUT],
                              opset_version=17, dynamo=False, do_constant_folding=True)
        except Exception as e:  # noqa: BLE001
            print(f"legacy exporter failed ({e}); using dynamo", file=sys.stderr)
            torch.onnx.export(model, (rgb, depth), path, input_names=["rgb", "depth"], output_names=[OUTPUT],
                              opset_version=18, dynamo=True, external_data=False)


def session(path, threads=2):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def run(sess, rgb, depth):
    return sess.run([OUTPUT], {"rgb": rgb.numpy(), "depth": depth.numpy()})[0]


def pixel_cos(a, b):
    a = a / (np.linalg.norm(a, axis=1, keepdims=True) + 1e-12)
    b = b / (np.linalg.norm(b, axis=1, keepdims=True) + 1e-12)
    return (a * b).sum(1).ravel()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="work/student/final.pt")
    ap.add_argument("--val", default="work/val")
    ap.add_argument("--out", default="../demo/image.onnx")
    ap.add_argument("--work", default="work/export")
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.work, exist_ok=True)
    model, s = load_student(a.ckpt)
    stats = s.get("stats")
    if stats is None:  # a mid-training ckpt.pt: the stats sit beside it
        with open(os.path.join(os.path.dirname(a.ckpt), "stats.json")) as f:
            stats = json.load(f)
    fp32 = os.path.join(a.work, "image.fp32.onnx")
    export_onnx(model, fp32)
    from onnxruntime.quantization import QuantType, quantize_dynamic
    int8 = os.path.join(a.work, "image.int8.onnx")
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
    val = load(a.val)
    s32, s8 = session(fp32), session(int8)
    cos8, cos_torch = [], []
    for i in range(0, len(val["rgb"]), max(1, len(val["rgb"]) // 12)):
        r, d = normalise(val["rgb"][i:i + 1], val["depth"][i:i + 1], stats["depthMean"], stats["depthStd"])
        y32 = run(s32, r, d)
        with torch.no_grad():
            cos_torch.append(pixel_cos(y32, model(r, d).numpy()))
        cos8.append(pixel_cos(y32, run(s8, r, d)))
    cos8, cos_torch = np.concatenate(cos8), np.concatenate(cos_torch)
    use_int8 = cos8.mean() >= 0.99 and np.percentile(cos8, 1) >= 0.95
    chosen = int8 if use_int8 else fp32
    shutil.copyfile(chosen, a.out)
    sess = session(a.out)
    times = []
    for _ in range(12):
        t = time.perf_counter()
        run(sess, r, d)
        times.append(time.perf_counter() - t)
    rep = {"int8": bool(use_int8), "int8MeanPixelCos": float(cos8.mean()), "int8P1PixelCos": float(np.percentile(cos8, 1)),
           "onnxVsTorchMeanCos": float(cos_torch.mean()), "fp32Bytes": os.path.getsize(fp32),
           "int8Bytes": os.path.getsize(int8), "shippedBytes": os.path.getsize(a.out),
           "ortMsPerFrameMedian": 1000 * float(np.median(times[2:])), "depthMean": stats["depthMean"],
           "depthStd": stats["depthStd"], "outputShape": list(run(sess, r, d).shape)}
    print(json.dumps(rep, indent=1))
    with open(os.path.join(a.work, "export_report.json"), "w") as f:
        json.dump(rep, f, indent=1)


if __name__ == "__main__":
    main()
