#!/usr/bin/env python3
"""Export a CLIP text tower to a DVE model pack: text.onnx + tokenizer.json + the model.json
`text` block.

Works for any Hugging Face `CLIPTextModelWithProjection`: a real CLIP ViT-L/14@336 folder
(e.g. a local copy of openai/clip-vit-large-patch14-336, 768-d, context 77) or the small demo
tower from models/training (256-d, context 32). The demo pack is made with this same script.

  python models/tools/export_text_tower.py --model /path/to/hf-folder --out models/demo
  python models/tools/export_text_tower.py --random-config --out /tmp/pack   # self-test

Graph contract (docs/FORMATS.md §2):
  inputs  input_ids int64 [1, L], attention_mask int64 [1, L]
  output  text_embeds float32 [1, D], NOT normalised (the console normalises)
The exported tokenizer.json pads and truncates to L with the end-of-text token, as CLIP does.

Needs: torch, transformers, tokenizers, onnx, onnxruntime.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

TEMPLATE = "a detailed photo of a {}"


def _import_torch_stack():
    import torch
    try:
        import torchvision  # noqa: F401  (transformers imports it)
    except RuntimeError:
        # torchvision wheel built for CUDA next to a CPU torch: register the two op schemas its
        # _C would define so the pure-Python parts import (see toolchain doc, pitfall 6)
        for k in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
            del sys.modules[k]
        lib = torch.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        _import_torch_stack.lib = lib
    except ImportError:
        pass
    return torch


def load_tokenizer(folder):
    from tokenizers import Tokenizer
    path = os.path.join(folder, "tokenizer.json")
    if os.path.exists(path):
        return Tokenizer.from_file(path)
    from transformers import CLIPTokenizerFast  # builds tokenizer.json from vocab.json + merges.txt
    return CLIPTokenizerFast.from_pretrained(folder).backend_tokenizer


def random_model_and_tokenizer(seed=0):
    """A randomly initialised small CLIP text tower + a tiny CLIP-style tokenizer (self-test)."""
    torch = _import_torch_stack()
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection
    tok = Tokenizer(models.BPE(end_of_word_suffix="</w>", continuing_subword_prefix=""))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                           normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"),
                             behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    tok.train_from_iterator(["a detailed photo of a sofa chair table lamp"] * 4 + [" ".join(alphabet)],
                            trainers.BpeTrainer(vocab_size=400, initial_alphabet=alphabet, end_of_word_suffix="</w>",
                                                special_tokens=["<|startoftext|>", "<|endoftext|>"],
                                                show_progress=False))
    sot, eot = tok.token_to_id("<|startoftext|>"), tok.token_to_id("<|endoftext|>")
    tok.post_processor = processors.RobertaProcessing(("<|endoftext|>", eot), ("<|startoftext|>", sot),
                                                      trim_offsets=False, add_prefix_space=False)
    torch.manual_seed(seed)
    cfg = CLIPTextConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=16, projection_dim=48,
                         bos_token_id=sot, eos_token_id=eot, pad_token_id=eot)
    return CLIPTextModelWithProjection(cfg).eval(), tok


def prepare_tokenizer(tok, context_length, eot_id):
    """Pad/truncate to the context length with the end token (what CLIP's tokenize() does)."""
    tok.enable_truncation(max_length=context_length)
    tok.enable_padding(length=context_length, pad_id=eot_id, pad_token="<|endoftext|>")
    return tok


def export(model, tok, out_dir, context_length=None, opset=17, template=TEMPLATE, check=True):
    torch = _import_torch_stack()
    import onnx
    import onnxruntime as ort
    os.makedirs(out_dir, exist_ok=True)
    model = model.float().eval()
    L = context_length or model.config.max_position_embeddings
    eot = tok.token_to_id("<|endoftext|>")
    if eot is None:
        eot = model.config.eos_token_id
    tok = prepare_tokenizer(tok, L, eot)

    class Wrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).text_embeds

    enc = tok.encode(template.format("sofa"))
    ids = torch.tensor([enc.ids], dtype=torch.long)
    mask = torch.tensor([enc.attention_mask], dtype=torch.long)
    onnx_path = os.path.join(out_dir, "text.onnx")
    w = Wrapper(model)
    with torch.no_grad():
        try:  # the TorchScript exporter gives a compact graph for CLIP text towers
            torch.onnx.export(w, (ids, mask), onnx_path, input_names=["input_ids", "attention_mask"],
                              output_names=["text_embeds"], opset_version=opset, dynamo=False,
                              do_constant_folding=True)
        except Exception as e:  # noqa: BLE001
            print(f"legacy exporter failed ({type(e).__name__}: {e}); trying dynamo", file=sys.stderr)
            torch.onnx.export(w, (ids, mask), onnx_path, input_names=["input_ids", "attention_mask"],
                              output_names=["text_embeds"], opset_version=max(opset, 18), dynamo=True,
                              external_data=False)
    onnx.checker.check_model(onnx_path)
    tok.save(os.path.join(out_dir, "tokenizer.json"))
    dim = int(model.config.projection_dim)
    report = {"contextLength": L, "embeddingDim": dim, "onnxBytes": os.path.getsize(onnx_path)}
    if check:
        so = ort.SessionOptions()
        so.intra_op_num_threads = 2
        sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
        worst = 1.0
        for word in ["sofa", "red armchair", "television", "a very long phrase " * 12]:
            e = tok.encode(template.format(word))
            i = np.array([e.ids], np.int64)
            m = np.array([e.attention_mask], np.int64)
            got = sess.run(["text_embeds"], {"input_ids": i, "attention_mask": m})[0]
            with torch.no_grad():
                ref = w(torch.from_numpy(i), torch.from_numpy(m)).numpy()
            cos = float((got * ref).sum() / np.linalg.norm(got) / np.linalg.norm(ref))
            worst = min(worst, cos)
            assert got.shape == (1, dim), got.shape
        times = []
        for _ in range(30):
            t = time.perf_counter()
            sess.run(["text_embeds"], {"input_ids": i, "attention_mask": m})
            times.append(time.perf_counter() - t)
        report.update({"onnxVsTorchMinCosine": worst, "msPerPrompt": 1000 * float(np.median(times[5:]))})
    text_block = {"onnx": "text.onnx", "tokenizer": "tokenizer.json",
                  "inputs": {"inputIds": "input_ids", "attentionMask": "attention_mask"},
                  "output": "text_embeds", "contextLength": L, "promptTemplate": template}
    return text_block, report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="Hugging Face folder with a CLIPTextModelWithProjection (or full CLIPModel)")
    ap.add_argument("--random-config", action="store_true", help="self-test with a random small tower")
    ap.add_argument("--out", required=True, help="pack folder; text.onnx and tokenizer.json are written here")
    ap.add_argument("--context-length", type=int, default=None, help="default: max_position_embeddings")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--template", default=TEMPLATE)
    a = ap.parse_args()
    _import_torch_stack()
    if a.random_config:
        model, tok = random_model_and_tokenizer()
    elif a.model:
        from transformers import CLIPTextModelWithProjection
        model = CLIPTextModelWithProjection.from_pretrained(a.model)  # also loads a full CLIPModel folder's text side
        tok = load_tokenizer(a.model)
    else:
        ap.error("give --model or --random-config")
    text_block, report = export(model, tok, a.out, a.context_length, a.opset, a.template)
    print(json.dumps(report), file=sys.stderr)
    print(json.dumps({"text": text_block}, indent=2))


if __name__ == "__main__":
    main()
