#!/usr/bin/env python3
"""Make onnxruntime-node forward TensorRT provider options (run on an onnxruntime checkout).

  python3 patch_node_binding.py /path/to/onnxruntime

The published binding (js/node/src/session_options_helper.cc) sets only device_id on
OrtTensorRTProviderOptionsV2 and drops every other key of { name: 'tensorrt', ... }, so fp16, the
engine cache and the timing cache cannot be enabled from Node (microsoft/onnxruntime#26854; the
ORT_TENSORRT_* variables are ignored once provider options are passed). This passes every
string-valued "trt_*" key through UpdateTensorRTProviderOptions, as the Python API does.

Edits are anchored on lines that are the same from 1.17 to the newest source read; each anchor must
occur exactly once, else nothing is written. Running it twice changes nothing. DVE Console's
provider-host.ts recognises a patched binding by MARKER (the text of the new error message).
"""
import os
import sys

FILE = os.path.join("js", "node", "src", "session_options_helper.cc")
MARKER = "Invalid argument: TensorRT option"

EDITS = [
    ("    int deviceId = 0;\n", """#ifdef USE_TENSORRT
    std::vector<std::string> trtKeys;
    std::vector<std::string> trtValues;
#endif
"""),
    ("""      if (obj.Has("deviceId")) {
        deviceId = obj.Get("deviceId").As<Napi::Number>();
      }
""", """#ifdef USE_TENSORRT
      if (name == "tensorrt") {
        for (const auto& keyIter : obj.GetPropertyNames()) {
          Napi::Value keyVar = keyIter.second;
          std::string key = keyVar.As<Napi::String>().Utf8Value();
          if (key.rfind("trt_", 0) != 0) continue;
          Napi::Value valueVar = obj.Get(keyVar);
          ORT_NAPI_THROW_TYPEERROR_IF(!valueVar.IsString(), epList.Env(),
                                      \"""" + MARKER + """ '", key, "' must be a string.");
          trtKeys.push_back(key);
          trtValues.push_back(valueVar.As<Napi::String>().Utf8Value());
        }
      }
#endif
"""),
    ("""      Ort::ThrowOnError(Ort::GetApi().CreateTensorRTProviderOptions(&options));
      options->device_id = deviceId;
""", """      if (!trtKeys.empty()) {
        std::vector<const char*> keys;
        std::vector<const char*> values;
        for (size_t k = 0; k < trtKeys.size(); k++) {
          keys.push_back(trtKeys[k].c_str());
          values.push_back(trtValues[k].c_str());
        }
        OrtStatus* status = Ort::GetApi().UpdateTensorRTProviderOptions(options, keys.data(), values.data(), keys.size());
        if (status != nullptr) {
          Ort::GetApi().ReleaseTensorRTProviderOptions(options);
          Ort::ThrowOnError(status);
        }
      }
"""),
]


def patch(text):
    """The patched source, or raises ValueError naming the anchor that is not there exactly once."""
    if MARKER in text:
        return text
    for anchor, addition in EDITS:
        count = text.count(anchor)
        if count != 1:
            raise ValueError(f"anchor found {count} times (1 expected): {anchor.strip().splitlines()[0]!r}")
        text = text.replace(anchor, anchor + addition)
    return text


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = os.path.join(sys.argv[1], FILE)
    with open(path) as f:
        original = f.read()
    try:
        patched = patch(original)
    except ValueError as e:
        print(f"patch_node_binding: {path}: {e}; this onnxruntime version needs the edit made by hand", file=sys.stderr)
        return 1
    if patched == original:
        print(f"patch_node_binding: {path} is already patched")
        return 0
    with open(path + ".tmp", "w") as f:
        f.write(patched)
    os.replace(path + ".tmp", path)
    print(f"patch_node_binding: {path}: TensorRT options are forwarded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
