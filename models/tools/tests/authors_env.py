"""Runs a tool script (argv[1], with the rest as its arguments) in what this offline machine can offer
the authors' code. Test-side only; the tools themselves carry none of it. Two gaps of the wheelhouse:

- torchvision 0.28 (a CUDA build) next to torch 2.13+cpu cannot load its C ops; defining the two
  op schemas lets the pure-Python parts import (toolchain doc, pitfall 6).
- `alpha_clip`, `gdown` and `cityscapesScripts` are not in the wheelhouse, yet the authors' packages
  import them at module level (the Alpha-CLIP teacher and the Cityscapes class list, neither used by
  an NYUv2 export). Empty modules stand in, and a class list of Cityscapes' shape (35 labels).
With network access, `pip install` them instead (models/tools/README.md).
"""
import collections
import importlib.machinery
import runpy
import sys
import types

import torch


def module(name, **attributes):
    stub = types.ModuleType(name)
    stub.__spec__ = importlib.machinery.ModuleSpec(name, None)  # torch._dynamo calls find_spec on modules
    stub.__path__ = []
    stub.__dict__.update(attributes)
    sys.modules[name] = stub


try:
    import torchvision  # noqa: F401
except RuntimeError:
    for key in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
        del sys.modules[key]
    library = torch.library.Library("torchvision", "DEF")
    library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")

for name in ("alpha_clip", "gdown"):
    try:
        __import__(name)
    except ImportError:
        module(name)
try:
    import cityscapesscripts.helpers.labels  # noqa: F401
except ImportError:
    Label = collections.namedtuple("Label", "name id trainId category categoryId hasInstances ignoreInEval color")
    module("cityscapesscripts")
    module("cityscapesscripts.helpers")
    module("cityscapesscripts.helpers.labels",
           labels=[Label(f"class{i}", i, i % 19, "class", 0, False, i >= 19, (i, i, i)) for i in range(35)])

if __name__ == "__main__":
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
