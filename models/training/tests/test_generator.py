"""Generator determinism and ground-truth sanity. Needs only numpy + pytest:
run from models/training with `python -m pytest tests`."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from dvedemo import generator  # noqa: E402
from dvedemo.teacher import Teacher  # noqa: E402
from dvedemo.vocab import NUM_CLASSES  # noqa: E402

KEYS = ("rgb", "depth", "labels", "instances")


def frames(seed, n=2):
    _, fs = generator.training_frames(seed, n)
    return fs


def test_same_seed_gives_byte_identical_frames():
    a, b = frames(123), frames(123)
    assert len(a) == len(b) == 2
    for fa, fb in zip(a, b):
        for k in KEYS:
            assert fa[k].tobytes() == fb[k].tobytes(), k
        assert fa["world_from_camera"].tobytes() == fb["world_from_camera"].tobytes()


def test_different_seed_gives_different_frames():
    a, b = frames(123, 1), frames(124, 1)
    assert a[0]["rgb"].tobytes() != b[0]["rgb"].tobytes()
    assert a[0]["depth"].tobytes() != b[0]["depth"].tobytes()


def test_ground_truth_is_well_formed():
    scene, fs = generator.training_frames(7, 2)
    for f in fs:
        assert f["rgb"].shape == (generator.H, generator.W, 3) and f["rgb"].dtype == np.uint8
        assert f["depth"].dtype == np.uint16 and f["labels"].dtype == np.uint8
        assert f["instances"].dtype == np.uint16
        assert f["labels"].max() <= NUM_CLASSES
        d = f["depth"]
        assert 0 < (d == 0).mean() < 0.5          # some holes, mostly valid
        assert d[d > 0].max() <= 6500             # nothing far beyond the range limit
        R = f["world_from_camera"][:3, :3]
        assert np.allclose(R @ R.T, np.eye(3), atol=1e-9) and np.isclose(np.linalg.det(R), 1)
        z = f["world_from_camera"][2, 3]
        assert 0.55 <= z <= 1.25                  # robot height
        for iid in np.unique(f["instances"]):     # an instance has exactly one class
            if iid:
                assert len(np.unique(f["labels"][f["instances"] == iid])) == 1


def test_teacher_targets_are_unit_and_cover_labelled_pixels():
    scene, fs = generator.training_frames(11, 1)
    f = fs[0]
    seg, T = Teacher().frame_targets(scene, 11, f["labels"], f["instances"])
    assert np.allclose(np.linalg.norm(T, axis=1), 1, atol=1e-5)
    assert seg.max() == len(T)
    assert ((seg > 0) <= (f["labels"] > 0)).all()  # targets only where there is a class
