#!/usr/bin/env python3
"""Export the released DVEFormer to ONNX with the authors' own script, working around its quirks.

  cd DVEFormer      # TUI-NICR/DVEFormer with its submodules, trained_models/ downloaded
  python /path/to/models/tools/export_dveformer.py --variant reduced   # or full
  # -> ./model_tensorrt.onnx ; then make_pack.py

What it does and why (facts doc §1.1):
- `inference_time_whole_model.py` imports `tensorrt` at start-up unless --no-time-tensorrt, and that
  flag also skips the export. A stub `tensorrt` module is put in sys.modules, so no TensorRT install
  is needed just to export.
- `inference_time.bash`'s "export" step passes --model-onnx-filepath, which makes the script SKIP the
  export. This runner never passes it, so the export branch runs; the script writes
  ./model_tensorrt.onnx. The script then tries to time with TensorRT: that step fails on the stub,
  after the file is written, and is reported as expected.
- torch >= 2.9 exports with dynamo by default; the authors used the TorchScript exporter (torch
  2.7/2.8), so torch.onnx.export is called with dynamo=False (opset 20 stays the script's default).
- --device cpu: the default cuda device is also passed to autocast.
- The exported graph declares wrong output dims; make_pack.py reads the real ones from a run.
"""
import argparse
import functools
import os
import runpy
import sys
import types

COMMON = ["--dataset", "nyuv2", "--tasks", "dense-visual-embedding", "--raw-depth",
          "--dense-visual-embedding-decoder-n-channels-out", "512"]
VARIANTS = {
    "full": ["--weights-filepath", "./trained_models/mixed/dveformer_fullres_mixed.pth"],
    "reduced": ["--weights-filepath", "./trained_models/mixed/dveformer_reducedres_mixed.pth",
                "--dense-visual-embedding-decoder-n-upsamplings", "0"],
}


def stub_tensorrt():
    stub = types.ModuleType("tensorrt")
    stub.__version__ = "0-stub"

    def missing(name):
        raise AttributeError(f"tensorrt is a stub (export only); '{name}' is not available")

    stub.__getattr__ = missing
    sys.modules["tensorrt"] = stub


def force_torchscript_exporter():
    import torch
    original = torch.onnx.export

    @functools.wraps(original)
    def export(*args, **kwargs):
        kwargs.setdefault("dynamo", False)
        return original(*args, **kwargs)

    torch.onnx.export = export


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--script", default="inference_time_whole_model.py", help="path of the authors' script")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("extra", nargs=argparse.REMAINDER, help="more arguments for the script (after --)")
    a = ap.parse_args()
    if not os.path.exists(a.script):
        print(f"export_dveformer: {a.script} not found; run this from the DVEFormer checkout", file=sys.stderr)
        return 1
    stub_tensorrt()
    force_torchscript_exporter()
    sys.argv = [a.script, *COMMON, *VARIANTS[a.variant], "--device", a.device, *[x for x in a.extra if x != "--"]]
    try:
        runpy.run_path(a.script, run_name="__main__")
    except (AttributeError, ImportError) as e:
        if not os.path.exists("model_tensorrt.onnx"):
            raise
        print(f"export_dveformer: the TensorRT timing step failed as expected on the stub ({e})", file=sys.stderr)
    if not os.path.exists("model_tensorrt.onnx"):
        print("export_dveformer: model_tensorrt.onnx was not written", file=sys.stderr)
        return 1
    print("wrote model_tensorrt.onnx; next: make_pack.py --onnx model_tensorrt.onnx --out <pack>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
