"""The CPU trainer's class balancing: weights follow class shares, and a float mask of ones is the plain loss."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")


def test_rare_classes_weigh_more_and_weights_follow_segments():
    from dvedemo.train_student import segment_weights
    from dvedemo.vocab import CLASSES

    labels = np.full((2, 240, 320), CLASSES.index("wall") + 1, np.uint8)
    labels[:, :24, :32] = CLASSES.index("lamp") + 1  # 1 % of the pixels
    labels[:, 120:, :] = CLASSES.index("floor") + 1
    data = {"labels": labels, "rgb": np.zeros((2, 1)), "targets": np.zeros((2, 64, 4)),
            "attrs": [[{"cls": "wall"}, {"cls": "lamp"}, {"cls": "floor"}], [{"cls": "lamp"}]]}
    w = segment_weights(data, power=0.5)
    assert w.shape == (2, 64)
    assert w[0, 0] == 0  # segment 0 is "no target"
    assert w[0, 2] > w[0, 1] and w[0, 2] > w[0, 3]
    assert w[1, 1] == w[0, 2] and w[1, 2] == 0
    assert w.max() <= 4 and w[w > 0].min() >= 0.25


def test_a_float_mask_of_ones_is_the_boolean_loss():
    from dvedemo.train_student import cosine_loss

    g = torch.Generator().manual_seed(0)
    pred, target = torch.randn(2, 8, 5, 6, generator=g), torch.randn(2, 8, 5, 6, generator=g)
    mask = torch.rand(2, 5, 6, generator=g) > 0.3
    torch.testing.assert_close(cosine_loss(pred, target, mask), cosine_loss(pred, target, mask.float()))
    heavier = mask.float() * 1.0
    heavier[0] *= 3
    assert not torch.isclose(cosine_loss(pred, target, heavier), cosine_loss(pred, target, mask))
