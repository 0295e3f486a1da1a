"""Tests for the Jetson tooling: the binding patch and the build script's commands (no GPU needed)."""
import os
import subprocess
import sys
import unittest

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOOLS, "jetson"))
import patch_node_binding  # noqa: E402

# The three places the patch edits, as they read in js/node/src/session_options_helper.cc.
EXCERPT = """    std::string name;
    int deviceId = 0;
    if (epValue.IsString()) {
    } else {
      auto obj = epValue.As<Napi::Object>();
      name = obj.Get("name").As<Napi::String>().Utf8Value();
      if (obj.Has("deviceId")) {
        deviceId = obj.Get("deviceId").As<Napi::Number>();
      }
    }
    } else if (name == "cuda") {
      OrtCUDAProviderOptionsV2* options;
      Ort::ThrowOnError(Ort::GetApi().CreateCUDAProviderOptions(&options));
      options->device_id = deviceId;
      sessionOptions.AppendExecutionProvider_CUDA_V2(*options);
    } else if (name == "tensorrt") {
      OrtTensorRTProviderOptionsV2* options;
      Ort::ThrowOnError(Ort::GetApi().CreateTensorRTProviderOptions(&options));
      options->device_id = deviceId;
      sessionOptions.AppendExecutionProvider_TensorRT_V2(*options);
"""


class PatchNodeBindingTest(unittest.TestCase):
    def test_forwards_trt_keys_before_the_tensorrt_append_only(self):
        patched = patch_node_binding.patch(EXCERPT)
        self.assertIn(patch_node_binding.MARKER, patched)
        update = patched.index("UpdateTensorRTProviderOptions")
        self.assertLess(patched.index("CreateTensorRTProviderOptions"), update)
        self.assertLess(update, patched.index("AppendExecutionProvider_TensorRT_V2"))
        self.assertGreater(update, patched.index("AppendExecutionProvider_CUDA_V2"))  # the CUDA branch is untouched
        self.assertLess(patched.index("std::vector<std::string> trtKeys"), patched.index("if (epValue.IsString())"))
        self.assertEqual(patch_node_binding.patch(patched), patched)  # idempotent

    def test_refuses_when_an_anchor_is_missing(self):
        with self.assertRaisesRegex(ValueError, r"anchor found 0 times \(1 expected\): 'if \(obj.Has\(\"deviceId\"\)\) \{'"):
            patch_node_binding.patch(EXCERPT.replace('if (obj.Has("deviceId")) {', 'if (obj.Has("device")) {'))


class BuildScriptTest(unittest.TestCase):
    def dry_run(self, **env):
        return subprocess.run(["bash", os.path.join(TOOLS, "jetson", "build-onnxruntime.sh")], capture_output=True, text=True,
                              env={**os.environ, "DRY_RUN": "1", "SRC": "/tmp/ort-src", "APP": "/tmp/app", **env})

    def test_jetson_flags_paths_and_install_folder(self):
        result = self.dry_run()
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        for flag in ("--use_tensorrt --tensorrt_home /usr/lib/aarch64-linux-gnu", "--cudnn_home /usr/lib/aarch64-linux-gnu",
                     "--cuda_home /usr/local/cuda", "--build_nodejs", "CMAKE_CUDA_ARCHITECTURES=87", "--skip_tests"):
            self.assertIn(flag, out)
        self.assertIn("patch_node_binding.py /tmp/ort-src", out)
        self.assertIn("cp /tmp/ort-src/build/Linux/Release/libonnxruntime_providers_tensorrt.so /tmp/ort-src/js/node/bin/napi-v6/linux/arm64/", out)
        self.assertIn("/tmp/app/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/", out)

    def test_x64_needs_the_gpu_architecture(self):
        result = self.dry_run(TARGET="x64")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("set CUDA_ARCH", result.stderr)
        result = self.dry_run(TARGET="x64", CUDA_ARCH="86;89")
        self.assertIn("CMAKE_CUDA_ARCHITECTURES=86;89", result.stdout)
        self.assertIn("/tmp/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/", result.stdout)


if __name__ == "__main__":
    unittest.main()
