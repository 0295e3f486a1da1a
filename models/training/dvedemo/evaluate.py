"""Class set (text prompts, visual means, linear probe) and held-out evaluation, all through the
exported ONNX files of the pack (what the console runs), not the torch model.

  python -m dvedemo.evaluate --pack ../demo

Writes <pack>/classes/demo.json + demo.means.npy + demo.probe.npy + demo.probe-bias.npy and
<pack>/evaluation.json. mIoU: logits at stride 4, bilinearly upsampled to 240x320 (DVEFormer's
reduced-res protocol), argmax, void pixels ignored, mean over classes present in the split.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from .dataset import load
from .export_image import OUTPUT, session
from .train_student import normalise
from .vocab import (ATTRIBUTE_CLASSES, CLASS_COLORS, CLASS_PROMPTS, CLASSES, HELDOUT_SYNONYMS, NUM_CLASSES,
                    PROMPT_TEMPLATE, TRAINED_NAMES)

C = NUM_CLASSES


def unit(x, axis=-1):
    return x / (np.linalg.norm(x, axis=axis, keepdims=True) + 1e-12)


class TextTower:
    def __init__(self, pack):
        from tokenizers import Tokenizer
        with open(os.path.join(pack, "model.json")) as f:
            self.cfg = json.load(f)["text"]
        self.tok = Tokenizer.from_file(os.path.join(pack, self.cfg["tokenizer"]))
        self.sess = session(os.path.join(pack, self.cfg["onnx"]))

    def __call__(self, phrase):
        e = self.tok.encode(self.cfg["promptTemplate"].format(phrase))
        out = self.sess.run([self.cfg["output"]], {"input_ids": np.array([e.ids], np.int64),
                                                  "attention_mask": np.array([e.attention_mask], np.int64)})[0][0]
        return unit(out)

    def class_vector(self, prompts):
        return unit(np.mean([self(p) for p in prompts], 0))


def embed_split(sess, data, stats, frames=None):
    """Normalised student embeddings (N, D, 60, 80) float16."""
    idx = range(len(data["rgb"])) if frames is None else frames
    out = []
    for i in idx:
        r, d = normalise(data["rgb"][i:i + 1], data["depth"][i:i + 1], stats["depthMean"], stats["depthStd"])
        y = sess.run([OUTPUT], {"rgb": r.numpy(), "depth": d.numpy()})[0][0]
        out.append(unit(y, 0).astype(np.float16))
    return np.stack(out)


def miou(emb, labels, W, b=None):
    """Confusion-based mIoU of argmax(W e + b) upsampled to label resolution."""
    conf = np.zeros((C, C), np.int64)
    Wt = torch.from_numpy(W.astype(np.float32))
    for e, lab in zip(emb, labels):
        logit = torch.einsum("cd,dhw->chw", Wt, torch.from_numpy(e.astype(np.float32)))
        if b is not None:
            logit = logit + torch.from_numpy(b.astype(np.float32))[:, None, None]
        up = F.interpolate(logit[None], size=lab.shape, mode="bilinear", align_corners=False)[0]
        pred = up.argmax(0).numpy()
        m = lab > 0
        conf += np.bincount((lab[m].astype(np.int64) - 1) * C + pred[m], minlength=C * C).reshape(C, C)
    tp = np.diag(conf)
    gt = conf.sum(1)
    iou = tp / np.maximum(gt + conf.sum(0) - tp, 1)
    present = gt > 0
    return float(iou[present].mean() * 100), {CLASSES[c]: (round(float(iou[c] * 100), 1) if present[c] else None)
                                               for c in range(C)}


def train_probe(X, y, means, steps=3000, lr=1e-2):
    """Softmax linear probe on normalised embeddings, initialised from the visual means, with the
    square root of median-frequency class weights and a cosine schedule. Measured on v3's features
    (val / walk): full median-frequency weights for 500 steps (DVEFormer's probing setup) 60.7 / 60.0,
    this 62.1 / 62.0."""
    torch.manual_seed(0)
    X = torch.from_numpy(X.astype(np.float32))
    y = torch.from_numpy(y.astype(np.int64))
    freq = np.bincount(y.numpy(), minlength=C).astype(np.float64)
    fr = freq / freq.sum()
    w = np.sqrt(np.where(freq > 0, np.median(fr[freq > 0]) / np.maximum(fr, 1e-12), 0.0))
    W = torch.tensor(means, dtype=torch.float32, requires_grad=True)
    b = torch.zeros(C, requires_grad=True)
    opt = torch.optim.Adam([W, b], lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    cw = torch.tensor(w, dtype=torch.float32)
    for s in range(steps):
        perm = torch.randint(0, len(X), (min(len(X), 65536),))
        loss = F.cross_entropy(X[perm] @ W.T + b, y[perm], weight=cw)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    return W.detach().numpy(), b.detach().numpy(), float(loss.detach())


def quarter(labels):
    return labels[:, 2::4, 2::4]


def synonym_checks(tt, text_vecs, emb, labels):
    """Replace one class's text vector by a single query phrase and measure that class's IoU
    (stride-4 labels), plus the query's nearest class in text space."""
    lab4 = quarter(labels)
    E = torch.from_numpy(emb.astype(np.float32))  # N,D,h,w
    rows = []
    for ci, cls in enumerate(CLASSES):
        if not (lab4 == ci + 1).any():
            continue
        queries = [(p, "trained") for p in TRAINED_NAMES[ci]] + [(p, "held-out") for p in HELDOUT_SYNONYMS[ci]]
        for q, kind in queries:
            v = tt(q)
            Wq = text_vecs.copy()
            Wq[ci] = v
            pred = torch.einsum("cd,ndhw->nchw", torch.from_numpy(Wq.astype(np.float32)), E).argmax(1).numpy()
            m = lab4 > 0
            inter = ((pred == ci) & (lab4 == ci + 1) & m).sum()
            union = (((pred == ci) & m) | (lab4 == ci + 1)).sum()
            nearest = CLASSES[int(np.argmax(text_vecs @ v))]
            rows.append({"class": cls, "query": q, "kind": kind, "iou": round(100 * inter / max(union, 1), 1),
                         "nearestClass": nearest, "textTop1": nearest == cls})
    return rows


def attribute_checks(tt, emb, seg, attrs):
    """'{colour} {class}' queries: does the matching segment get the highest mean cosine among
    segments of the same class (with another colour present) / among all segments?"""
    seg4 = quarter(seg)
    same, anyseg, chance = [], [], []
    cache = {}
    for e, s, at in zip(emb, seg4, attrs):
        ids = [k for k in range(1, len(at) + 1) if (s == k).sum() >= 8]
        if not ids:
            continue
        ef = e.astype(np.float32).reshape(e.shape[0], -1)
        sf = s.reshape(-1)
        for k in ids:
            a = at[k - 1]
            if a["stuff"] or a["cls"] not in ATTRIBUTE_CLASSES or not a["colour"]:
                continue
            q = f"{a['colour']} {a['cls']}"
            if q not in cache:
                cache[q] = tt(q)
            v = cache[q]
            score = {j: float((v @ ef[:, sf == j]).mean()) for j in ids}
            rivals = [j for j in ids if at[j - 1]["cls"] == a["cls"] and at[j - 1]["colour"] != a["colour"]]
            if rivals:
                same.append(all(score[k] > score[j] for j in rivals))
                chance.append(1 / (1 + len(rivals)))
            others = [j for j in ids if j != k and not (at[j - 1]["cls"] == a["cls"] and at[j - 1]["colour"] == a["colour"])]
            anyseg.append(all(score[k] > score[j] for j in others))
    return {"sameClassColourTop1": round(100 * float(np.mean(same)), 1) if same else None,
            "sameClassCases": len(same), "sameClassChance": round(100 * float(np.mean(chance)), 1) if chance else None,
            "allSegmentsTop1": round(100 * float(np.mean(anyseg)), 1) if anyseg else None,
            "allSegmentsCases": len(anyseg)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default="../demo")
    ap.add_argument("--train", default="work/train")
    ap.add_argument("--heldout", nargs="+", default=["work/val", "work/recording"])
    ap.add_argument("--train-frames", type=int, default=600)
    a = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    with open(os.path.join(a.pack, "model.json")) as f:
        img_cfg = json.load(f)["image"]
    stats = {"depthMean": img_cfg["depthMean"], "depthStd": img_cfg["depthStd"]}
    sess = session(os.path.join(a.pack, img_cfg["onnx"]))
    tt = TextTower(a.pack)
    text_vecs = np.stack([tt.class_vector(p) for p in CLASS_PROMPTS])

    # visual means + probe from student embeddings of training frames
    train = load(a.train)
    frames = np.linspace(0, len(train["rgb"]) - 1, a.train_frames).astype(int)
    emb = embed_split(sess, train, stats, frames)
    lab4 = quarter(np.asarray(train["labels"][frames]))
    D = emb.shape[1]
    sums = np.zeros((C, D))
    rng = np.random.default_rng(0)
    Xs, ys = [], []
    for e, l in zip(emb, lab4):
        ef = e.astype(np.float32).reshape(D, -1).T
        lf = l.reshape(-1)
        for c in np.unique(lf):
            if c:
                sums[c - 1] += ef[lf == c].sum(0)
        pick = np.nonzero(lf > 0)[0]
        pick = rng.choice(pick, min(len(pick), 800), replace=False)
        Xs.append(ef[pick])
        ys.append(lf[pick] - 1)
    present = np.linalg.norm(sums, axis=1) > 0
    means = np.where(present[:, None], unit(sums), text_vecs).astype(np.float32)  # fallback: text
    W, b, probe_loss = train_probe(np.concatenate(Xs), np.concatenate(ys), means)
    del emb

    cls_dir = os.path.join(a.pack, "classes")
    os.makedirs(cls_dir, exist_ok=True)
    np.save(os.path.join(cls_dir, "demo.means.npy"), means.astype("<f4"))
    np.save(os.path.join(cls_dir, "demo.probe.npy"), W.astype("<f4"))
    np.save(os.path.join(cls_dir, "demo.probe-bias.npy"), b.astype("<f4"))
    classes = []
    for i, c in enumerate(CLASSES):
        row = {"name": c, "color": list(CLASS_COLORS[i]), "prompts": CLASS_PROMPTS[i]}
        if i < 9:
            row["hotkey"] = i + 1
        classes.append(row)
    with open(os.path.join(cls_dir, "demo.json"), "w") as f:
        json.dump({"format": "dve-class-set", "version": 1, "name": "demo", "embeddingDim": int(D),
                   "classes": classes, "visualMeans": "demo.means.npy",
                   "probe": {"weights": "demo.probe.npy", "bias": "demo.probe-bias.npy"}}, f, indent=1)

    report = {"trainFramesForMeansAndProbe": int(len(frames)), "probeFinalLoss": probe_loss, "splits": {}}
    for path in a.heldout:
        data = load(path)
        labels = np.asarray(data["labels"])
        emb = embed_split(sess, data, stats)
        with open(os.path.join(path, "attrs.json")) as f:
            attrs = json.load(f)
        r = {"frames": int(len(labels))}
        r["text"], r["textPerClass"] = miou(emb, labels, text_vecs)
        r["visualMean"], r["visualMeanPerClass"] = miou(emb, labels, means)
        r["linearProbe"], r["linearProbePerClass"] = miou(emb, labels, W, b)
        r["synonyms"] = synonym_checks(tt, text_vecs, emb, labels)
        r["attributes"] = attribute_checks(tt, emb, np.asarray(data["seg"]), attrs)
        report["splits"][os.path.basename(path.rstrip("/"))] = r
        print(path, {k: r[k] for k in ("text", "visualMean", "linearProbe", "attributes")}, flush=True)
        del emb
    # text-space synonym summary
    syn = {}
    for kind, lists in (("trained", TRAINED_NAMES), ("held-out", HELDOUT_SYNONYMS)):
        hits = [CLASSES[int(np.argmax(text_vecs @ tt(q)))] == c for c, qs in zip(CLASSES, lists) for q in qs]
        syn[kind] = {"queries": len(hits), "nearestClassTop1": round(100 * float(np.mean(hits)), 1)}
    report["textSpaceSynonyms"] = syn
    report["seconds"] = time.time() - t0
    with open(os.path.join(a.pack, "evaluation.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(syn), f"{report['seconds']:.0f}s")


if __name__ == "__main__":
    main()
