"""Train the demo text tower: a CLIP-style BPE tokenizer and a small CLIPTextModelWithProjection
regressed (cosine) onto the teacher's concept vectors, saved as a Hugging Face folder that
models/tools/export_text_tower.py exports like any real CLIP text tower.

  python -m dvedemo.train_text --out work/text/hf
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

from .teacher import Teacher
from .text_corpus import tokenizer_corpus, training_prompts
from .vocab import CLASSES, HELDOUT_SYNONYMS, PROMPT_TEMPLATE, TRAINED_NAMES

SOT, EOT = "<|startoftext|>", "<|endoftext|>"
# CLIP's pre-tokenisation pattern (as in the Hugging Face openai/clip-* tokenizer.json)
CLIP_SPLIT = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"


def build_tokenizer(corpus, vocab_size=1200, context_length=32):
    """Byte-level BPE with CLIP's layout: lowercase, '</w>' word ends, start/end tokens at the
    END of the vocabulary (so EOT has the highest id, as in CLIP), end token used for padding."""
    def configure(tok):
        tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                               normalizers.Lowercase()])
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(CLIP_SPLIT), behavior="removed", invert=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
        tok.decoder = decoders.ByteLevel()
    tok = Tokenizer(models.BPE(end_of_word_suffix="</w>", continuing_subword_prefix=""))
    configure(tok)
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=alphabet, end_of_word_suffix="</w>",
                                  show_progress=False, special_tokens=[])
    tok.train_from_iterator(corpus, trainer)
    model = json.loads(tok.to_str())["model"]
    vocab = dict(model["vocab"])
    for ch in alphabet:  # every byte also as a word end, so no word is ever unknown
        vocab.setdefault(ch + "</w>", len(vocab))
    vocab[SOT] = len(vocab)
    vocab[EOT] = len(vocab)
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
    final = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token=EOT, end_of_word_suffix="</w>",
                                 continuing_subword_prefix=""))
    configure(final)
    final.add_special_tokens([SOT, EOT])
    final.post_processor = processors.RobertaProcessing((EOT, vocab[EOT]), (SOT, vocab[SOT]),
                                                        add_prefix_space=False, trim_offsets=False)
    final.enable_truncation(max_length=context_length)
    final.enable_padding(length=context_length, pad_id=vocab[EOT], pad_token=EOT)
    return final


def encode(tok, texts):
    enc = tok.encode_batch(texts)
    return (torch.tensor([e.ids for e in enc], dtype=torch.long),
            torch.tensor([e.attention_mask for e in enc], dtype=torch.long))


def parse_args(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="work/text/hf")
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--context-length", type=int, default=32)
    ap.add_argument("--device", default="cpu", help="torch device (cuda on the device machine)")
    return ap.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    dev = torch.device(a.device)
    from .student import import_torchvision
    import_torchvision()  # transformers imports torchvision; apply the wheelhouse shim first
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.out, exist_ok=True)
    teacher = Teacher()
    tok = build_tokenizer(tokenizer_corpus(), context_length=a.context_length)
    V = tok.get_vocab_size()
    eot, sot = tok.token_to_id(EOT), tok.token_to_id(SOT)
    cfg = CLIPTextConfig(vocab_size=V, hidden_size=128, intermediate_size=512, num_hidden_layers=3,
                         num_attention_heads=4, max_position_embeddings=a.context_length,
                         projection_dim=teacher.dim, bos_token_id=sot, eos_token_id=eot, pad_token_id=eot,
                         hidden_act="quick_gelu")
    model = CLIPTextModelWithProjection(cfg).to(dev)
    rows = training_prompts()
    ids, mask = (t.to(dev) for t in encode(tok, [r[0] for r in rows]))
    targets = torch.tensor(np.stack([teacher.concept(c, col, mat) for _, c, col, mat in rows]), dtype=torch.float32,
                           device=dev)
    cls_idx = torch.tensor([CLASSES.index(r[1]) for r in rows], device=dev)
    protos = torch.tensor(teacher.protos, dtype=torch.float32, device=dev)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=a.steps, pct_start=0.05)
    g = torch.Generator().manual_seed(0)
    t0 = time.time()
    model.train()
    for step in range(a.steps):
        b = torch.randint(0, len(rows), (a.batch,), generator=g).to(dev)
        out = model(input_ids=ids[b], attention_mask=mask[b]).text_embeds
        outn = F.normalize(out, dim=-1)
        loss_cos = (1 - (outn * targets[b]).sum(-1)).mean()
        # keep classes apart: softmax over class prototypes (temperature 0.05)
        loss_cls = F.cross_entropy(outn @ protos.T / 0.05, cls_idx[b])
        loss = loss_cos + 0.1 * loss_cls
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == a.steps - 1:
            print(f"step {step} cos-loss {loss_cos.item():.4f} cls-loss {loss_cls.item():.4f} "
                  f"{time.time() - t0:.0f}s", flush=True)
    model.eval()
    model.to("cpu").save_pretrained(a.out)  # the report below runs on the CPU too
    tok.save(os.path.join(a.out, "tokenizer.json"))
    protos = protos.cpu()
    # quick report: trained prompts vs held-out synonyms (nearest class prototype)
    with torch.no_grad():
        def top1(texts, classes):
            i, m = encode(tok, [PROMPT_TEMPLATE.format(t) for t in texts])
            e = F.normalize(model(input_ids=i, attention_mask=m).text_embeds, dim=-1)
            pred = (e @ protos.T).argmax(-1)
            return float((pred == torch.tensor([CLASSES.index(c) for c in classes])).float().mean())
        names = [(n, c) for c, ps in zip(CLASSES, TRAINED_NAMES) for n in ps]
        held = [(n, c) for c, hs in zip(CLASSES, HELDOUT_SYNONYMS) for n in hs]
        rep = {"train_names_top1": top1([n for n, _ in names], [c for _, c in names]),
               "heldout_synonyms_top1": top1([n for n, _ in held], [c for _, c in held]),
               "seconds": time.time() - t0, "vocab_size": V, "prompts": len(rows)}
    print(rep, flush=True)
    with open(os.path.join(a.out, "..", "train_report.json"), "w") as f:
        json.dump(rep, f, indent=1)
    return rep


if __name__ == "__main__":
    main()
