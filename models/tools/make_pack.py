#!/usr/bin/env python3
"""Write a model pack (docs/FORMATS.md §2) around an exported DVEFormer ONNX.

  python models/tools/make_pack.py --onnx model_tensorrt.onnx --out ~/.local/share/dve-console/models/dveformer-rr \
      --name dveformer-reduced --text-block text_block.json

- Copies the ONNX into the pack as image.onnx (or --link to symlink it: the file is 214-227 MB).
  A pack whose image.onnx already holds or links to another model is not repointed without
  --replace (its caches and TensorRT engines belong to the old model).
- Reads input/output names from the graph, and the real output dims from one onnxruntime run on a
  blank frame: the released model DECLARES WRONG output dims (['batch_size', 768, 'batch_size', ...]),
  so embeddingDim and outputStride come from the run, never from the metadata.
- Preprocessing constants are the ones the released "mixed" model was trained with: ImageNet RGB
  mean/std on 0..255, depth in mm with the NYUv2 statistics (facts doc §2.4). --depth-max-m sets
  depthMaxMeters (the README sample uses 8 m).
- --text-block: the JSON export_text_tower.py prints ({"text": {...}}); its text.onnx and
  tokenizer.json must already be in --out.
"""
import argparse
import filecmp
import json
import os
import shutil
import sys

import numpy as np

NYUV2_DEPTH_MEAN = 2841.94941272766
NYUV2_DEPTH_STD = 1417.2594281672277
RGB_MEAN = [123.675, 116.28, 103.53]
RGB_STD = [58.395, 57.12, 57.375]


class PackError(Exception):
    pass


def graph_io(onnx_path):
    import onnx
    model = onnx.load(onnx_path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    inputs = {}
    for value in model.graph.input:
        if value.name in inits:
            continue
        dims = [d.dim_value if d.HasField("dim_value") else d.dim_param for d in value.type.tensor_type.shape.dim]
        inputs[value.name] = dims
    outputs = [o.name for o in model.graph.output]
    return inputs, outputs


def image_inputs(inputs):
    if set(inputs) >= {"rgb", "depth"}:
        return {"rgb": "rgb", "depth": "depth"}, inputs["rgb"]
    four = [n for n, d in inputs.items() if len(d) == 4 and d[1] == 4]
    if len(inputs) == 1 and four:
        return {"rgbd": four[0]}, inputs[four[0]]
    raise PackError(f"graph inputs {inputs} are neither rgb + depth nor one 4-channel rgbd input")


def first_run_dims(onnx_path, inputs, output, height, width):
    import onnxruntime as ort
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    feeds = {}
    for name, dims in inputs.items():
        channels = dims[1] if isinstance(dims[1], int) and dims[1] > 0 else 1
        feeds[name] = np.zeros((1, channels, height, width), np.float32)
    return list(session.run([output], feeds)[0].shape)


def holds_other_model(target, onnx):
    """How the pack's existing image.onnx differs from `onnx`, or None when it is the same model."""
    if os.path.islink(target):
        linked = os.path.realpath(target)
        return None if linked == os.path.realpath(onnx) else f"links to {linked}"
    if os.path.getsize(target) == os.path.getsize(onnx) and filecmp.cmp(target, onnx, shallow=False):
        return None
    return "holds a different model"


def make_manifest(a, inputs_block, output, dims, height, width, text_block):
    _, dim, out_h, out_w = dims
    if height % out_h or width % out_w or height // out_h != width // out_w:
        raise PackError(f"output {out_w}x{out_h} is not an integer stride of the input {width}x{height}")
    manifest = {
        "format": "dve-model-pack", "version": 1, "name": a.name, "description": a.description,
        "image": {
            "onnx": "image.onnx", "inputs": inputs_block, "output": output,
            "inputSize": {"height": height, "width": width}, "outputStride": height // out_h, "embeddingDim": dim,
            "rgbMean": RGB_MEAN, "rgbStd": RGB_STD, "depthUnitMeters": 0.001,
            "depthMean": NYUV2_DEPTH_MEAN, "depthStd": NYUV2_DEPTH_STD,
            "depthMaxMeters": a.depth_max_m, "invalidDepthValue": 0,
        },
        "classSets": a.class_set or [],
    }
    if text_block is not None:
        manifest["text"] = text_block
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", required=True, help="exported image model (model_tensorrt.onnx)")
    ap.add_argument("--out", required=True, help="pack folder")
    ap.add_argument("--name", required=True)
    ap.add_argument("--description", default="DVEFormer (TUI-NICR), released mixed weights")
    ap.add_argument("--text-block", help="JSON printed by export_text_tower.py")
    ap.add_argument("--class-set", action="append", help="class-set JSON path relative to the pack (repeatable)")
    ap.add_argument("--depth-max-m", type=float, default=None)
    ap.add_argument("--link", action="store_true", help="symlink image.onnx instead of copying it")
    ap.add_argument("--replace", action="store_true", help="let the pack's image.onnx change to --onnx when it holds another model")
    a = ap.parse_args()
    try:
        inputs, outputs = graph_io(a.onnx)
        inputs_block, input_dims = image_inputs(inputs)
        height, width = input_dims[2], input_dims[3]
        if not (isinstance(height, int) and isinstance(width, int) and height > 0 and width > 0):
            raise PackError(f"input size {input_dims} is not fixed; the DVEFormer export is 480x640")
        if len(outputs) != 1:
            raise PackError(f"the graph has outputs {outputs}; exactly one embedding output expected")
        dims = first_run_dims(a.onnx, inputs, outputs[0], height, width)
        text_block = None
        if a.text_block:
            with open(a.text_block) as f:
                text_block = json.load(f)["text"]
            for key in ("onnx", "tokenizer"):
                if not os.path.exists(os.path.join(a.out, text_block[key])):
                    raise PackError(f"text.{key} names {text_block[key]}, which is not in {a.out}")
        manifest = make_manifest(a, inputs_block, outputs[0], dims, height, width, text_block)
    except PackError as e:
        print(f"make_pack: {e}", file=sys.stderr)
        return 1
    os.makedirs(a.out, exist_ok=True)
    target = os.path.join(a.out, "image.onnx")
    if os.path.abspath(a.onnx) != os.path.abspath(target):
        if os.path.lexists(target):
            holds = holds_other_model(target, a.onnx)
            if holds and not a.replace:
                print(f"make_pack: {target} already {holds}; pass --replace to point the pack at {os.path.abspath(a.onnx)}", file=sys.stderr)
                return 1
            os.remove(target)
        if a.link:
            os.symlink(os.path.abspath(a.onnx), target)
        else:
            shutil.copyfile(a.onnx, target)
    path = os.path.join(a.out, "model.json")
    with open(path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=2)
    os.replace(path + ".tmp", path)
    print(f"wrote {path}: output {dims} (stride {manifest['image']['outputStride']}, {dims[1]}-d)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
