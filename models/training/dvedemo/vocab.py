"""The synthetic world's vocabulary: classes (in class-set order), display colours, prompts.

Class ids: 0 = void, 1..C = CLASSES order. The order is the class-set order written to
models/demo/classes/demo.json and to the recording's labelClasses, so never reorder it
without regenerating everything. Objects come first so hotkeys 1-9 hit the interesting ones.
"""

# name, display colour (distinct, roughly colour-blind safe: Okabe-Ito + Tol-style extras),
# prompts (text training AND the class set's text vectors), everyday synonyms (text training only:
# the words a caregiver uses, "settee", "telly"), held-out synonyms (never seen by the tokenizer or
# text training; only used to test generalisation honestly).
CLASS_TABLE = [
    ("sofa",          (0, 114, 178),   ["sofa", "couch"],              ["settee"],                        ["loveseat"]),
    ("armchair",      (230, 159, 0),   ["armchair", "easy chair"],     ["arm chair"],                     ["fauteuil"]),
    ("massage chair", (204, 121, 167), ["massage chair", "recliner"],  ["massage seat"],                  ["massage recliner"]),
    ("bean bag",      (240, 228, 66),  ["bean bag", "beanbag chair"],  ["beanbag"],                       ["sack seat"]),
    ("bed",           (86, 180, 233),  ["bed", "double bed"],          ["single bed"],                    ["mattress bed"]),
    ("table",         (213, 94, 0),    ["table", "coffee table"],      ["dining table", "side table"],    ["kitchen table"]),
    ("chair",         (0, 158, 115),   ["chair", "kitchen chair"],     ["dining chair"],                  ["stool chair"]),
    ("lamp",          (255, 255, 153), ["lamp", "floor lamp"],         ["standing lamp", "reading lamp"], ["standing light"]),
    ("tv",            (68, 68, 68),    ["tv", "television"],           ["telly", "tv set"],               ["tv screen"]),
    ("shelf",         (136, 34, 85),   ["shelf", "bookshelf"],         ["bookcase", "shelves"],           ["shelving"]),
    ("plant",         (17, 119, 51),   ["plant", "potted plant"],      ["houseplant", "pot plant"],       ["plant pot"]),
    ("rug",           (170, 68, 153),  ["rug", "carpet"],              ["mat", "floor mat"],              ["area rug"]),
    ("box",           (153, 153, 51),  ["box", "cardboard box"],       ["carton", "packing box"],         ["storage box"]),
    ("cabinet",       (102, 17, 0),    ["cabinet", "cupboard"],        ["sideboard", "dresser"],          ["storage cabinet"]),
    ("picture",       (221, 204, 119), ["picture", "painting"],        ["poster", "framed picture"],      ["artwork"]),
    ("trash bin",     (51, 34, 136),   ["trash bin", "wastebasket"],   ["garbage can", "rubbish bin", "bin", "waste bin"], ["dustbin"]),
    ("curtain",       (204, 102, 119), ["curtain", "drapes"],          ["curtains"],                      ["window curtain"]),
    ("door",          (153, 68, 0),    ["door"],                       ["front door"],                    ["doorway door"]),
    ("window",        (136, 204, 238), ["window"],                     ["windows"],                    ["window pane"]),
    ("wall",          (187, 187, 187), ["wall"],                       ["walls"],                         ["room wall"]),
    ("floor",         (119, 85, 51),   ["floor", "floorboards"],       ["flooring"],                      ["floor surface"]),
    ("ceiling",       (238, 238, 238), ["ceiling"],                    ["ceilings"],                      ["room ceiling"]),
]

CLASSES = [row[0] for row in CLASS_TABLE]
NUM_CLASSES = len(CLASSES)
CLASS_ID = {name: i + 1 for i, name in enumerate(CLASSES)}  # 0 is void
CLASS_COLORS = [row[1] for row in CLASS_TABLE]
CLASS_PROMPTS = [row[2] for row in CLASS_TABLE]
EVERYDAY_SYNONYMS = [row[3] for row in CLASS_TABLE]
TRAINED_NAMES = [p + e for p, e in zip(CLASS_PROMPTS, EVERYDAY_SYNONYMS)]  # every name the text tower learns
HELDOUT_SYNONYMS = [row[4] for row in CLASS_TABLE]

# Semantic groups give the teacher space structure (seating classes near each other, ...).
GROUPS = {
    "seating": ["sofa", "armchair", "massage chair", "bean bag", "chair", "bed"],
    "furniture": ["table", "shelf", "cabinet", "box", "trash bin"],
    "decor": ["lamp", "plant", "rug", "picture", "curtain", "tv"],
    "structure": ["door", "window", "wall", "floor", "ceiling"],
}

# Object colour attributes: name -> base albedo (0..1). Objects of paintable classes take one.
COLOURS = {
    "red": (0.75, 0.12, 0.10),
    "green": (0.15, 0.55, 0.18),
    "blue": (0.12, 0.25, 0.70),
    "yellow": (0.90, 0.80, 0.15),
    "white": (0.88, 0.88, 0.86),
    "black": (0.07, 0.07, 0.08),
    "grey": (0.45, 0.45, 0.47),
    "brown": (0.42, 0.25, 0.12),
    "orange": (0.92, 0.45, 0.08),
    "purple": (0.45, 0.18, 0.55),
}
COLOUR_NAMES = list(COLOURS)

# Materials change texture and shininess in the renderer and add a teacher direction.
MATERIALS = ["fabric", "leather", "wooden", "plastic"]

# Classes whose instances get a colour/material attribute (others have fixed looks).
ATTRIBUTE_CLASSES = {
    "sofa", "armchair", "massage chair", "bean bag", "bed", "chair", "table", "cabinet",
    "box", "trash bin", "rug", "curtain", "shelf", "lamp",
}

PROMPT_TEMPLATE = "a detailed photo of a {}"
