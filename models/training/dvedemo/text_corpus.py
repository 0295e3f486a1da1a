"""Prompts and regression targets for the demo text tower (numpy only).

Every phrase is (text, class, colour, material). Held-out synonyms (vocab.HELDOUT_SYNONYMS) are
never part of it, so evaluating them measures generalisation honestly (they can only work
through shared sub-words, which a from-scratch tower mostly cannot exploit).
"""
from .vocab import CLASSES, COLOUR_NAMES, MATERIALS, PROMPT_TEMPLATE, TRAINED_NAMES

TEMPLATES = [PROMPT_TEMPLATE, "a photo of a {}", "{}", "a {} in a room"]

# Generic words for the tokenizer's vocabulary only (never used by text training): they give
# the BPE merges that real text has, so unseen words split into sensible pieces.
GENERIC = """the of and to in is it you that he was for on are with as his they be at one have this
from or had by hot word but what some we can out other were all there when up use your how said an
each she which do their time if will way about many then them write would like so these her long
make thing see him two has look more day could go come did number sound no most people my over
know water than call first who may down side been now find any new work part take get place made
live where after back little only round man year came show every good me give our under name very
through just form sentence great think say help low line differ turn cause much mean before move
right boy old too same tell does set three want air well also play small end put home read hand
port large spell add even land here must big high such follow act why ask men change went light
kind off need house picture try us again animal point mother world near build self earth father
kitchen bathroom garden hallway living bedroom office storage robot apartment corner shiny soft
hard round square tall short wide narrow old new modern classic striped dotted plain bright dark
a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 . , - '""".split()


def phrases(cls_index, name):
    out = [(name, None, None)]
    out += [(f"{c} {name}", c, None) for c in COLOUR_NAMES]
    out += [(f"{m} {name}", None, m) for m in MATERIALS]
    out += [(f"{c} {m} {name}", c, m) for c in COLOUR_NAMES for m in MATERIALS]
    return out


def training_prompts():
    """[(prompt, class, colour, material)] over all trained names, attributes and templates."""
    rows = []
    for ci, cls in enumerate(CLASSES):
        for name in TRAINED_NAMES[ci]:
            for text, col, mat in phrases(ci, name):
                for t in TEMPLATES:
                    rows.append((t.format(text), cls, col, mat))
    return rows


def tokenizer_corpus():
    return [r[0] for r in training_prompts()] + [" ".join(GENERIC)] * 3
