"""recover_student rebuilds a Student from its exported ONNX, int8 MatMuls and folded BatchNorm included."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


def frames(n=6, seed=3):
    rng = np.random.default_rng(seed)
    return {"rgb": rng.integers(0, 256, (n, 240, 320, 3), dtype=np.uint8),
            "depth": rng.integers(300, 6000, (n, 240, 320), dtype=np.uint16),
            "seg": np.zeros((n, 240, 320), np.uint8), "targets": np.zeros((n, 64, 256), np.float16)}


def test_rebuilds_an_int8_export_of_a_trained_looking_student(tmp_path):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from dvedemo.export_image import export_onnx
    from dvedemo.recover_student import calibrate_folded_bn, check, rebuild
    from dvedemo.student import Student

    torch.manual_seed(11)
    original = Student()
    bn = original.fuse[1]
    with torch.no_grad():  # trained weights differ everywhere (the exporter shares equal initializers);
        for p in original.parameters():  # statistics far from the identity show a wrongly restored fold
            p.add_(torch.randn_like(p) * 0.02)
        bn.running_mean.uniform_(-2, 2)
        bn.running_var.uniform_(0.2, 3)
        bn.weight.uniform_(0.5, 2)
        bn.bias.uniform_(-1, 1)
        original.features[1][0].attn.logit_scale.add_(0.3)
    original.eval()
    fp32, int8 = str(tmp_path / "fp32.onnx"), str(tmp_path / "int8.onnx")
    export_onnx(original, fp32)
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
    data, stats = frames(), {"depthMean": 2000.0, "depthStd": 900.0}

    rebuilt = calibrate_folded_bn(rebuild(int8), data, stats)

    assert check(rebuilt, int8, data, stats, frames=3)["meanPixelCos"] > 0.999
    assert check(rebuilt, fp32, data, stats, frames=3)["meanPixelCos"] > 0.99
    torch.testing.assert_close(rebuilt.features[1][0].attn.logit_scale, original.features[1][0].attn.logit_scale)
    # a parameter the fresh random model holds differently must come from the file, not the fresh model
    assert not torch.equal(rebuilt.head.weight, Student().head.weight)
