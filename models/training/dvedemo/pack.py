"""Write the pack's model.json (docs/FORMATS.md §2) from the export reports.

  python -m dvedemo.pack --pack ../demo --text-block work/text_block.json --image-report work/export/export_report.json
"""
import argparse
import json
import os

from . import generator
from .teacher import DIM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default="../demo")
    ap.add_argument("--text-block", default="work/text_block.json")
    ap.add_argument("--image-report", default="work/export/export_report.json")
    a = ap.parse_args()
    with open(a.text_block) as f:
        text = json.load(f)["text"]
    with open(a.image_report) as f:
        rep = json.load(f)
    model = {
        "format": "dve-model-pack",
        "version": 1,
        "name": "demo",
        "description": "Small DVEFormer-style model (RGB-D Swin-V2 nano + MLP decoder, 256-d) distilled on the "
                       "synthetic demo world; knows only that world's vocabulary",
        "image": {
            "onnx": "image.onnx",
            "inputs": {"rgb": "rgb", "depth": "depth"},
            "output": "dense_visual_embedding_decoder_0",
            "inputSize": {"height": generator.H, "width": generator.W},
            "outputStride": 4,
            "embeddingDim": DIM,
            "rgbMean": [123.675, 116.28, 103.53],
            "rgbStd": [58.395, 57.12, 57.375],
            "depthUnitMeters": 0.001,
            "depthMean": rep["depthMean"],
            "depthStd": rep["depthStd"],
            "depthMaxMeters": None,
            "invalidDepthValue": 0,
        },
        "text": text,
        "classSets": ["classes/demo.json"],
        # The console warns once when a recording is not from this world (docs/FORMATS.md §2).
        "trainedOn": {"description": "the synthetic demo world (22 classes, 10 colours, 4 materials)",
                      "sourceFormats": ["synthetic"]},
    }
    with open(os.path.join(a.pack, "model.json"), "w") as f:
        json.dump(model, f, indent=2)
    print("wrote", os.path.join(a.pack, "model.json"))


if __name__ == "__main__":
    main()
