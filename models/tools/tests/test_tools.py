"""Tests for convert_probe.py and make_pack.py (run: python -m unittest discover -s models/tools/tests)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(TOOLS))
TINY = os.path.join(REPO, "test", "fixtures", "models", "tiny")


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(TOOLS, script), *args], capture_output=True, text=True)


class ConvertProbeTest(unittest.TestCase):
    def test_converts_the_released_key_layout(self):
        import torch
        with tempfile.TemporaryDirectory() as tmp:
            weight = torch.randn(40, 768, 1, 1)
            bias = torch.randn(40)
            pth = os.path.join(tmp, "probe.pth")
            torch.save({"epoch": 3, "linear_probing_head_state_dict": {"weight": weight, "bias": bias}}, pth)
            result = run("convert_probe.py", pth, "--classes", "nyuv2-40", "--name", "nyu", "--out", os.path.join(tmp, "out"))
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(tmp, "out", "nyu.json")) as f:
                class_set = json.load(f)
            self.assertEqual(class_set["embeddingDim"], 768)
            self.assertEqual(class_set["classes"][0]["name"], "wall")
            self.assertEqual(class_set["classes"][39]["name"], "otherprop")
            saved = np.load(os.path.join(tmp, "out", class_set["probe"]["weights"]))
            self.assertEqual(saved.dtype, np.float32)
            np.testing.assert_array_equal(saved, weight[:, :, 0, 0].numpy())
            np.testing.assert_array_equal(np.load(os.path.join(tmp, "out", class_set["probe"]["bias"])), bias.numpy())

    def test_reports_a_class_count_mismatch_and_a_missing_key(self):
        import torch
        with tempfile.TemporaryDirectory() as tmp:
            pth = os.path.join(tmp, "probe.pth")
            torch.save({"linear_probing_head_state_dict": {"weight": torch.randn(20, 768, 1, 1)}}, pth)
            result = run("convert_probe.py", pth, "--classes", "nyuv2-40", "--name", "x", "--out", tmp)
            self.assertEqual(result.returncode, 1)
            self.assertIn("the probe has 20 classes but the class list has 40", result.stderr)
            torch.save({"state_dict": {}}, pth)
            result = run("convert_probe.py", pth, "--classes", "scannet-20", "--name", "x", "--out", tmp)
            self.assertIn("no 'linear_probing_head_state_dict' in the checkpoint", result.stderr)


class MakePackTest(unittest.TestCase):
    def test_reads_real_output_dims_not_the_declared_ones(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = run("make_pack.py", "--onnx", os.path.join(TINY, "image.onnx"), "--out", tmp, "--name", "t", "--depth-max-m", "8")
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(tmp, "model.json")) as f:
                manifest = json.load(f)
            image = manifest["image"]
            self.assertEqual(image["inputs"], {"rgb": "rgb", "depth": "depth"})
            self.assertEqual(image["output"], "emb")
            self.assertEqual(image["embeddingDim"], 8)
            self.assertEqual(image["outputStride"], 4)
            self.assertEqual(image["inputSize"], {"height": 48, "width": 64})
            self.assertEqual(image["depthMaxMeters"], 8.0)
            self.assertAlmostEqual(image["depthMean"], 2841.94941272766)
            self.assertTrue(os.path.exists(os.path.join(tmp, "image.onnx")))

    def test_text_block_files_must_exist(self):
        with tempfile.TemporaryDirectory() as tmp:
            block = os.path.join(tmp, "text_block.json")
            with open(block, "w") as f:
                json.dump({"text": {"onnx": "text.onnx", "tokenizer": "tokenizer.json"}}, f)
            result = run("make_pack.py", "--onnx", os.path.join(TINY, "image.onnx"), "--out", os.path.join(tmp, "p"),
                         "--name", "t", "--text-block", block)
            self.assertEqual(result.returncode, 1)
            self.assertIn("text.onnx names text.onnx, which is not in", result.stderr)


FAKE_AUTHORS_SCRIPT = """
import sys, json
import tensorrt  # the real script imports it at start-up
import torch
args = sys.argv[1:]
assert "--model-onnx-filepath" not in args, "the export would be skipped"
with open("argv.json", "w") as f:
    json.dump(args, f)
model = torch.nn.Conv2d(4, 8, 4, stride=4)
torch.onnx.export(model, (torch.zeros(1, 4, 48, 64),), "model_tensorrt.onnx", input_names=["rgbd"],
                  output_names=["dense_visual_embedding_decoder_0"], opset_version=17)
tensorrt.Builder  # the TensorRT timing that follows the export
"""


class ExportDveformerTest(unittest.TestCase):
    def test_stubs_tensorrt_and_exports_with_the_torchscript_exporter(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "inference_time_whole_model.py"), "w") as f:
                f.write(FAKE_AUTHORS_SCRIPT)
            result = subprocess.run([sys.executable, os.path.join(TOOLS, "export_dveformer.py"), "--variant", "reduced"],
                                    cwd=tmp, capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("failed as expected on the stub", result.stderr)
            with open(os.path.join(tmp, "argv.json")) as f:
                argv = json.load(f)
            self.assertIn("--dense-visual-embedding-decoder-n-upsamplings", argv)
            self.assertEqual(argv[argv.index("--device") + 1], "cpu")
            import onnx
            model = onnx.load(os.path.join(tmp, "model_tensorrt.onnx"))
            # the TorchScript exporter honours opset 17; dynamo would have produced 18
            self.assertEqual(model.opset_import[0].version, 17)


if __name__ == "__main__":
    unittest.main()
