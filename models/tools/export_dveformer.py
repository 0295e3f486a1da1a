#!/usr/bin/env python3
"""Export the released DVEFormer to ONNX with the authors' own script, unmodified.

  cd DVEFormer      # TUI-NICR/DVEFormer with its submodules installed, trained_models/ downloaded
  python /path/to/models/tools/export_dveformer.py --variant reduced   # -> ./dveformer_reduced.onnx
  python /path/to/models/tools/export_dveformer.py --variant full      # -> ./dveformer_full.onnx
  # then make_pack.py --onnx dveformer_reduced.onnx ...

How `inference_time_whole_model.py` is run, and why (facts doc §1.1):
- As `python inference_time_whole_model.py` would: its folder first on sys.path (runpy does not add
  it), so the authors' `dveformer` package imports.
- `--no-time-pytorch`: the PyTorch timing runs before the export and needs CUDA events.
- `--trt-onnx-export-only`: the script stops (exit 0) right after writing the ONNX, instead of
  going on to time it with `trtexec`.
- It imports `tensorrt` at start-up unless --no-time-tensorrt, and that flag also skips the export.
  Where TensorRT is not installed, a stub module (with a `__spec__`: torch._dynamo looks modules up
  with importlib.util.find_spec) stands in; the export never calls it.
- `inference_time.bash`'s "export" step passes --model-onnx-filepath, which makes the script SKIP
  the export; this runner never passes it.
- torch >= 2.9 exports with dynamo by default; the authors used the TorchScript exporter (torch
  2.7/2.8), so torch.onnx.export gets dynamo=False (opset 20 stays the script's default).
- --device cpu: the default cuda device is also passed to autocast.
- The script always writes ./model_tensorrt.onnx. The runner runs it in a scratch folder and moves
  the file to --out (default ./dveformer_<variant>.onnx), so exporting one variant never replaces
  the other (nor a pack that links to it); an existing --out is kept unless --force.
- The exported graph declares wrong output dims; make_pack.py reads the real ones from a run.
"""
import argparse
import functools
import importlib.machinery
import importlib.util
import os
import runpy
import shutil
import sys
import tempfile
import types

COMMON = ["--dataset", "nyuv2", "--tasks", "dense-visual-embedding", "--raw-depth",
          "--dense-visual-embedding-decoder-n-channels-out", "512", "--no-time-pytorch", "--trt-onnx-export-only"]
VARIANTS = {
    "full": {"weights": "trained_models/mixed/dveformer_fullres_mixed.pth", "args": []},
    "reduced": {"weights": "trained_models/mixed/dveformer_reducedres_mixed.pth",
                "args": ["--dense-visual-embedding-decoder-n-upsamplings", "0"]},
}
WRITTEN = "model_tensorrt.onnx"


def stub_tensorrt_if_missing():
    """True when the stub was installed (TensorRT is not importable here)."""
    if importlib.util.find_spec("tensorrt") is not None:
        return False
    stub = types.ModuleType("tensorrt")
    stub.__spec__ = importlib.machinery.ModuleSpec("tensorrt", None)
    stub.__version__ = "0 (stub: TensorRT is not installed; export only)"

    def missing(name):
        raise AttributeError(f"tensorrt is a stub (export only); '{name}' is not available")

    stub.__getattr__ = missing
    sys.modules["tensorrt"] = stub
    return True


def force_torchscript_exporter():
    import torch
    original = torch.onnx.export

    @functools.wraps(original)
    def export(*args, **kwargs):
        kwargs.setdefault("dynamo", False)
        return original(*args, **kwargs)

    torch.onnx.export = export


def script_argv(variant, weights, device, extra):
    argv = [*COMMON, *VARIANTS[variant]["args"], "--device", device]
    if weights is not None:
        argv += ["--weights-filepath", weights]
    return argv + [x for x in extra if x != "--"]


def run_script(script, argv, workdir):
    """Runs the authors' script as `python script argv` would, in `workdir`; returns the ONNX it wrote."""
    script = os.path.abspath(script)
    saved = (list(sys.argv), list(sys.path), os.getcwd())
    sys.argv = [script, *argv]
    sys.path.insert(0, os.path.dirname(script))
    os.chdir(workdir)
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:  # --trt-onnx-export-only ends with exit(0)
        if e.code not in (0, None):
            raise
    finally:
        sys.argv, sys.path[:] = saved[0], saved[1]
        os.chdir(saved[2])
    return os.path.join(workdir, WRITTEN)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--script", default="inference_time_whole_model.py", help="path of the authors' script")
    ap.add_argument("--weights", help="checkpoint (default: the released mixed weights of the variant under trained_models/)")
    ap.add_argument("--random-weights", action="store_true",
                    help="no checkpoint: the script fills every parameter with randn (architecture and timing checks only)")
    ap.add_argument("--out", help="ONNX file to write (default: ./dveformer_<variant>.onnx)")
    ap.add_argument("--force", action="store_true", help="replace an existing --out")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("extra", nargs=argparse.REMAINDER, help="more arguments for the script (after --)")
    a = ap.parse_args()
    fail = functools.partial(print, file=sys.stderr)
    if not os.path.exists(a.script):
        fail(f"export_dveformer: {a.script} not found; run this from the DVEFormer checkout or pass --script")
        return 1
    out = os.path.abspath(a.out or f"dveformer_{a.variant}.onnx")
    if os.path.lexists(out) and not a.force:
        fail(f"export_dveformer: {out} exists (a pack may link to it); pass --force to replace it or choose another --out")
        return 1
    weights = None
    if not a.random_weights:
        weights = os.path.abspath(a.weights or os.path.join(os.path.dirname(os.path.abspath(a.script)), VARIANTS[a.variant]["weights"]))
        if not os.path.exists(weights):
            fail(f"export_dveformer: weights {weights} not found (download them as the DVEFormer README says, or pass --weights)")
            return 1
    if stub_tensorrt_if_missing():
        print("export_dveformer: TensorRT is not installed; a stub stands in (the export does not use it)", file=sys.stderr)
    force_torchscript_exporter()
    with tempfile.TemporaryDirectory(prefix="dveformer-export-") as workdir:
        written = run_script(a.script, script_argv(a.variant, weights, a.device, a.extra), workdir)
        if not os.path.exists(written):
            fail(f"export_dveformer: the script did not write {WRITTEN}")
            return 1
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.move(written, out + ".tmp")
        os.replace(out + ".tmp", out)
    print(f"wrote {out}; next: make_pack.py --onnx {os.path.basename(out)} --out <pack>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
