"""`recording --keep-out`: the evaluation arrays take colour and depth from the shipped recording's
files, and a recording whose labels are not this render's is refused by name. Needs numpy + pillow + pytest."""
import os
import sys

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from dvedemo.recording import _take_shipped_pixels  # noqa: E402


def _shipped(tmp_path, labels):
    for sub in ("rgb", "depth", "labels"):
        os.makedirs(tmp_path / sub)
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 255, (8, 10, 3), dtype=np.uint8)
    depth = rng.integers(400, 5000, (8, 10), dtype=np.uint16)
    Image.fromarray(rgb).save(tmp_path / "rgb" / "000000.png")
    Image.fromarray(depth).save(tmp_path / "depth" / "000000.png")
    Image.fromarray(labels).save(tmp_path / "labels" / "000000.png")
    manifest = {"frames": [{"rgb": "rgb/000000.png", "depth": "depth/000000.png", "labels": "labels/000000.png"}]}
    return manifest, rgb, depth


def _render(labels):
    return {"rgb": np.zeros((1, 8, 10, 3), np.uint8), "depth": np.zeros((1, 8, 10), np.uint16),
            "labels": labels[None].copy()}


def test_takes_colour_and_depth_from_the_shipped_files(tmp_path):
    labels = np.arange(80, dtype=np.uint8).reshape(8, 10) % 23
    manifest, rgb, depth = _shipped(tmp_path, labels)
    arr = _render(labels)
    _take_shipped_pixels(str(tmp_path), manifest, arr)
    assert np.array_equal(arr["rgb"][0], rgb)
    assert np.array_equal(arr["depth"][0], depth)


def test_refuses_a_recording_with_other_labels(tmp_path):
    labels = np.zeros((8, 10), np.uint8)
    manifest, _, _ = _shipped(tmp_path, labels)
    other = labels.copy()
    other[3, 4] = 5
    with pytest.raises(SystemExit, match="labels/000000.png: the labels differ"):
        _take_shipped_pixels(str(tmp_path), manifest, _render(other))
