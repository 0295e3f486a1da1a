"""The demo recording's plan: v2 shows every example object of the README, the Ask and Map
placeholders and the query docs (and issue 19's bean bag) on at least two visits, and reproduces
the shipped recording. Needs numpy + pillow + pytest."""
import json
import os
import re
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from dvedemo import generator, recording_plan  # noqa: E402
from dvedemo.vocab import CLASSES, TRAINED_NAMES  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
# Where users meet example queries: quoted phrases and "(also: a, b)" lists in these files, and
# the placeholders of the Ask and Map views.
EXAMPLE_TEXTS = ["README.md", "docs/QUERY.md", "docs/MAP.md"]
PLACEHOLDERS = ["src-renderer/src/views/AskView.vue", "src-renderer/src/views/MapView.vue"]
# Issue 19: the caregiver story's "where is the bean bag" must find one on first launch.
ISSUE_EXAMPLES = ["bean bag"]


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def example_phrases():
    out = list(ISSUE_EXAMPLES)
    for rel in EXAMPLE_TEXTS:
        text = read(rel)
        out += re.findall(r'"([^"`]{1,120})"', text)
        out += [w for lst in re.findall(r"\(also: ([^)]*)\)", text) for w in lst.split(",")]
    for rel in PLACEHOLDERS:
        out += re.findall(r'placeholder="([^"]*)"', read(rel))
    return out


def example_classes():
    """Classes named in the examples, by the class names and trained synonyms (couch, settee → sofa)."""
    names = sorted(((n, c) for c, ps in zip(CLASSES, TRAINED_NAMES) for n in ps), key=lambda x: -len(x[0]))
    found = set()
    for phrase in example_phrases():
        p = phrase.lower()
        for n, c in names:
            if re.search(r"\b" + re.escape(n) + r"\b", p):
                found.add(c)
                p = p.replace(n, " ")
    return found


def test_examples_are_found_where_users_read_them():
    found = example_classes()
    # the placeholder's plant and the README's couch / bed / tv are read, not typed in here
    assert {"plant", "sofa", "bed", "tv", "bean bag"} <= found
    assert not found & {"wall", "floor", "ceiling"}  # nothing that is in every frame anyway


def test_v2_walk_shows_every_example_object_on_two_visits():
    scene, poses = recording_plan.plan_scene("v2")
    seen = recording_plan.visible_classes(scene, poses, min_share=0.01)
    visits = {c: recording_plan.visits(seen, c) for c in sorted(example_classes())}
    assert all(v >= 2 for v in visits.values()), visits
    assert len(poses) / recording_plan.FPS <= 60  # a short walk: the recording stays far under 40 MB


def test_visits_join_gaps_shorter_than_three_seconds():
    shown = [{"plant"} if i in (3, 4, 20, 60) else set() for i in range(100)]
    assert recording_plan.visits(shown, "plant") == 2  # 4 → 20 is 1.6 s apart, 20 → 60 is 4 s
    assert recording_plan.visits(shown, "sofa") == 0


def test_v2_plan_reproduces_the_shipped_recording():
    rec = os.path.join(ROOT, "resources", "demo-recording")
    manifest = json.loads(read("resources/demo-recording/session.json"))
    scene, poses = recording_plan.plan_scene("v2")
    assert len(poses) == len(manifest["frames"]) == recording_plan.PLANS["v2"]["frames"]
    first = manifest["frames"][0]
    np.testing.assert_allclose(np.asarray(poses[0]).reshape(-1), first["worldFromCamera"], atol=1e-6)
    f = generator.render(scene, poses[0], np.random.default_rng(recording_plan.PLANS["v2"]["seed"] + 2))
    shipped = np.asarray(Image.open(os.path.join(rec, first["depth"])))
    assert np.array_equal(f["depth"], shipped)
    labels = np.asarray(Image.open(os.path.join(rec, first["labels"])))
    assert np.array_equal(f["labels"], labels)
