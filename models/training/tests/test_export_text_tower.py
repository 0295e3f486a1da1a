"""models/tools/export_text_tower.py on a randomly initialised small CLIPTextModelWithProjection.
Skipped when torch / transformers / onnxruntime are not installed (the generator tests are not)."""
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnxruntime")

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "export_text_tower.py")


def test_random_config_export(tmp_path):
    out = subprocess.run([sys.executable, TOOL, "--random-config", "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    block = json.loads(out.stdout)["text"]
    assert block["inputs"] == {"inputIds": "input_ids", "attentionMask": "attention_mask"}
    assert block["output"] == "text_embeds" and block["contextLength"] == 16
    report = json.loads([l for l in out.stderr.splitlines() if l.startswith("{")][-1])
    assert report["onnxVsTorchMinCosine"] > 0.9999

    import numpy as np
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer
    m = onnx.load(str(tmp_path / "text.onnx"))
    assert [i.name for i in m.graph.input] == ["input_ids", "attention_mask"]
    assert [o.name for o in m.graph.output] == ["text_embeds"]
    tok = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    e = tok.encode("a detailed photo of a sofa")
    assert len(e.ids) == 16 and e.ids[-1] == tok.token_to_id("<|endoftext|>")
    sess = ort.InferenceSession(str(tmp_path / "text.onnx"), providers=["CPUExecutionProvider"])
    y = sess.run(None, {"input_ids": np.array([e.ids], np.int64),
                        "attention_mask": np.array([e.attention_mask], np.int64)})[0]
    assert y.shape == (1, 48)
