"""Tests for convert_probe.py and make_pack.py (run: python -m unittest discover -s models/tools/tests)."""
import json
import os
import shutil
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

    def test_refuses_to_repoint_a_linked_pack(self):
        with tempfile.TemporaryDirectory() as tmp:
            first, second = os.path.join(tmp, "reduced.onnx"), os.path.join(tmp, "full.onnx")
            shutil.copyfile(os.path.join(TINY, "image.onnx"), first)
            shutil.copyfile(os.path.join(TINY, "image.onnx"), second)
            pack = os.path.join(tmp, "pack")
            self.assertEqual(run("make_pack.py", "--onnx", first, "--out", pack, "--name", "t", "--link").returncode, 0)
            self.assertEqual(run("make_pack.py", "--onnx", first, "--out", pack, "--name", "t", "--link").returncode, 0)  # same model: fine
            result = run("make_pack.py", "--onnx", second, "--out", pack, "--name", "t", "--link")
            self.assertEqual(result.returncode, 1)
            self.assertIn(f"image.onnx already links to {os.path.realpath(first)}; pass --replace", result.stderr)
            self.assertEqual(os.path.realpath(os.path.join(pack, "image.onnx")), os.path.realpath(first))
            result = run("make_pack.py", "--onnx", second, "--out", pack, "--name", "t", "--link", "--replace")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(os.path.realpath(os.path.join(pack, "image.onnx")), os.path.realpath(second))

    def test_text_block_files_must_exist(self):
        with tempfile.TemporaryDirectory() as tmp:
            block = os.path.join(tmp, "text_block.json")
            with open(block, "w") as f:
                json.dump({"text": {"onnx": "text.onnx", "tokenizer": "tokenizer.json"}}, f)
            result = run("make_pack.py", "--onnx", os.path.join(TINY, "image.onnx"), "--out", os.path.join(tmp, "p"),
                         "--name", "t", "--text-block", block)
            self.assertEqual(result.returncode, 1)
            self.assertIn("text.onnx names text.onnx, which is not in", result.stderr)


AUTHORS = os.environ.get("DVE_DVEFORMER_SRC") or os.path.join(REPO, "..", "shared", "vendor", "dveformer-src")
AUTHORS_PACKAGES = [os.path.join(AUTHORS, "lib", name, "src") for name in ("nicr-scene-analysis-datasets", "nicr-multitask-scene-analysis")]


def authors_code_missing():
    """Why the authors' real script cannot run here, in one line, or None."""
    try:
        import torch  # noqa: F401
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as e:
        return f"needs torch, onnx and onnxruntime ({e.name} is missing; pip install -r models/training/requirements.txt)"
    script = os.path.join(AUTHORS, "inference_time_whole_model.py")
    if not os.path.exists(script):
        return f"the authors' DVEFormer source is not at {AUTHORS} (set DVE_DVEFORMER_SRC)"
    datasets = os.path.join(AUTHORS_PACKAGES[0], "nicr_scene_analysis_datasets", "datasets")
    if not os.path.isdir(datasets):
        return f"{datasets} is missing (an incomplete copy of nicr-scene-analysis-datasets 5a646f4; set DVE_DVEFORMER_SRC to a full checkout)"
    return None


def export(tmp, variant, *more):
    """The runner on the authors' real, unmodified script, random weights, at 256x320 (the
    architecture is the released one; the smaller input only keeps the CPU time down)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(AUTHORS_PACKAGES)}
    return subprocess.run(
        [sys.executable, os.path.join(TOOLS, "tests", "authors_env.py"), os.path.join(TOOLS, "export_dveformer.py"),
         "--variant", variant, "--random-weights", "--script", os.path.join(AUTHORS, "inference_time_whole_model.py"), *more,
         "--", "--input-height", "256", "--input-width", "320"],
        cwd=tmp, env=env, capture_output=True, text=True)


@unittest.skipIf(authors_code_missing(), f"export_dveformer test skipped: {authors_code_missing()}")
class ExportDveformerTest(unittest.TestCase):
    def test_both_variants_export_with_the_authors_script(self):
        import onnx
        import onnxruntime as ort
        with tempfile.TemporaryDirectory() as tmp:
            expected = {"reduced": [1, 768, 64, 80], "full": [1, 768, 256, 320]}
            for variant, dims in expected.items():
                result = export(tmp, variant)
                self.assertEqual(result.returncode, 0, result.stderr[-3000:])
                path = os.path.join(tmp, f"dveformer_{variant}.onnx")
                model = onnx.load(path, load_external_data=False)
                self.assertEqual([i.name for i in model.graph.input], ["rgb", "depth"])
                self.assertEqual([o.name for o in model.graph.output], ["dense_visual_embedding_decoder_0"])
                self.assertEqual({o.domain: o.version for o in model.opset_import}.get(""), 20)
                # the TorchScript exporter's graph: the fixed-kernel PPM pooling, SwinV2's cosine attention
                ops = {n.op_type for n in model.graph.node}
                self.assertTrue({"AveragePool", "ReduceL2", "Gelu"} <= ops, ops)
                session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
                out = session.run(None, {"rgb": np.zeros((1, 3, 256, 320), np.float32), "depth": np.zeros((1, 1, 256, 320), np.float32)})[0]
                self.assertEqual(list(out.shape), dims)
            # nothing left in the working folder but the two exports (the script's own file went to --out)
            self.assertEqual(sorted(os.listdir(tmp)), ["dveformer_full.onnx", "dveformer_reduced.onnx"])

            before = os.stat(os.path.join(tmp, "dveformer_reduced.onnx")).st_mtime_ns
            again = export(tmp, "reduced")
            self.assertEqual(again.returncode, 1)
            self.assertIn("exists (a pack may link to it); pass --force", again.stderr)
            self.assertEqual(os.stat(os.path.join(tmp, "dveformer_reduced.onnx")).st_mtime_ns, before)


class ExportDveformerArgumentsTest(unittest.TestCase):
    def test_missing_weights_are_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            script = os.path.join(tmp, "inference_time_whole_model.py")
            open(script, "w").close()
            result = subprocess.run([sys.executable, os.path.join(TOOLS, "export_dveformer.py"), "--variant", "full", "--script", script],
                                    cwd=tmp, capture_output=True, text=True)
            self.assertEqual(result.returncode, 1)
            self.assertIn(os.path.join(tmp, "trained_models", "mixed", "dveformer_fullres_mixed.pth") + " not found", result.stderr)


if __name__ == "__main__":
    unittest.main()
