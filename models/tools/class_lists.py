"""Class lists of the datasets DVEFormer's probes were trained on (facts doc §11), without void:
output index k is dataset class id k + 1. Colours are the NYUv2 palette DVEFormer draws all of them with."""

NYUV2_40 = ["wall", "floor", "cabinet", "bed", "chair", "sofa", "table", "door", "window", "bookshelf", "picture",
            "counter", "blinds", "desk", "shelves", "curtain", "dresser", "pillow", "mirror", "floor mat", "clothes",
            "ceiling", "books", "refrigerator", "television", "paper", "towel", "shower curtain", "box", "whiteboard",
            "person", "night stand", "toilet", "sink", "lamp", "bathtub", "bag", "otherstructure", "otherfurniture",
            "otherprop"]
NYUV2_40_COLORS = [[128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128],
                   [64, 0, 0], [192, 0, 0], [64, 128, 0], [192, 128, 0], [64, 0, 128], [192, 0, 128], [64, 128, 128],
                   [192, 128, 128], [0, 64, 0], [128, 64, 0], [0, 192, 0], [128, 192, 0], [0, 64, 128], [128, 64, 128],
                   [0, 192, 128], [128, 192, 128], [64, 64, 0], [192, 64, 0], [64, 192, 0], [192, 192, 0], [64, 64, 128],
                   [192, 64, 128], [64, 192, 128], [192, 192, 128], [0, 0, 64], [128, 0, 64], [0, 128, 64], [128, 128, 64],
                   [0, 0, 192], [128, 0, 192], [0, 128, 192], [128, 128, 192], [64, 0, 64]]
SCANNET_20 = ["wall", "floor", "cabinet", "bed", "chair", "sofa", "table", "door", "window", "bookshelf", "picture",
              "counter", "desk", "curtain", "refrigerator", "shower curtain", "toilet", "sink", "bathtub", "otherfurniture"]


def class_list(name):
    """(names, colours) of a built-in list: nyuv2-40, sunrgbd-37, scannet-40, scannet-20."""
    if name in ("nyuv2-40", "scannet-40"):
        return NYUV2_40, NYUV2_40_COLORS
    if name == "sunrgbd-37":
        return NYUV2_40[:37], NYUV2_40_COLORS[:37]
    if name == "scannet-20":
        return SCANNET_20, [NYUV2_40_COLORS[NYUV2_40.index(n)] for n in SCANNET_20]
    raise ValueError(f"unknown class list {name!r} (nyuv2-40, sunrgbd-37, scannet-40, scannet-20)")
