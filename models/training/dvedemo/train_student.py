"""Distil the teacher's per-segment targets into the student (per-pixel cosine loss, void ignored).

Resumable: a checkpoint is written atomically every --ckpt-seconds to <out>/ckpt.pt; --resume
continues from it. Batches are drawn from an RNG seeded by (seed, step), so a resumed run sees
the same batches as an uninterrupted one.

  nice -n 10 python -m dvedemo.train_student --steps 1800 [--resume]
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from .dataset import load
from .student import Student
from .vocab import CLASSES

RGB_MEAN = np.array([123.675, 116.28, 103.53], np.float32)
RGB_STD = np.array([58.395, 57.12, 57.375], np.float32)


def normalise(rgb_u8, depth_u16, depth_mean, depth_std):
    """Exactly DVEFormer's preprocessing: rgb (v-mean)/std on 0..255; depth mm (d-mean)/std and
    invalid (0) pixels set to 0 after normalisation. Inputs (B,H,W,3) / (B,H,W)."""
    rgb = (rgb_u8.astype(np.float32) - RGB_MEAN) / RGB_STD
    d = depth_u16.astype(np.float32)
    dn = (d - depth_mean) / depth_std
    dn[d == 0] = 0.0
    return (torch.from_numpy(np.ascontiguousarray(rgb.transpose(0, 3, 1, 2))),
            torch.from_numpy(np.ascontiguousarray(dn[:, None])))


def segment_weights(data, power, frames=1000):
    """(N, KMAX) loss weight of each frame's segments: (median class share / class share) ** power,
    clipped to [0.25, 4], shares counted at stride 4 over the first `frames` frames. mIoU weighs every
    class alike, so small, rare objects (lamps, bins, bean bags) should not be drowned by walls."""
    counts = np.bincount(np.asarray(data["labels"][:frames, 2::4, 2::4]).ravel(), minlength=len(CLASSES) + 1)[1:]
    share = counts / counts.sum()
    w_class = np.clip((np.median(share[share > 0]) / np.maximum(share, 1e-9)) ** power, 0.25, 4.0)
    by_name = dict(zip(CLASSES, w_class))
    table = np.zeros((len(data["rgb"]), data["targets"].shape[1]), np.float32)
    for i, segs in enumerate(data["attrs"]):
        for k, a in enumerate(segs[: table.shape[1] - 1], start=1):
            table[i, k] = by_name.get(a["cls"], 1.0)
    return table


def make_batch(data, idx, rng, stats, augment=True, seg_weights=None):
    rgb = data["rgb"][idx].copy()
    depth = data["depth"][idx].copy()
    seg = data["seg"][idx][:, 2::4, 2::4].copy()  # label of each stride-4 cell's centre pixel
    if augment:
        for b in range(len(idx)):
            if rng.random() < 0.5:
                rgb[b], depth[b], seg[b] = rgb[b, :, ::-1], depth[b, :, ::-1], seg[b, :, ::-1]
            g = rng.uniform(0.8, 1.2) * rng.uniform(0.92, 1.08, 3)
            rgb[b] = np.clip(rgb[b].astype(np.float32) * g + rng.normal(0, 6), 0, 255).astype(np.uint8)
    x_rgb, x_d = normalise(rgb, depth, stats["depthMean"], stats["depthStd"])
    tg = np.stack([data["targets"][i][s] for i, s in zip(idx, seg)]).astype(np.float32)  # B,h,w,D
    mask = seg > 0 if seg_weights is None else np.stack([seg_weights[i][s] for i, s in zip(idx, seg)])
    return x_rgb, x_d, torch.from_numpy(tg).permute(0, 3, 1, 2), torch.from_numpy(mask)


def cosine_loss(pred, target, mask):
    """Mean of 1 - cos over the mask's pixels; a float mask weighs them (0 = no target)."""
    cos = F.cosine_similarity(pred.float(), target, dim=1)
    if mask.dtype == torch.bool:
        return (1 - cos)[mask].mean()
    return ((1 - cos) * mask).sum() / mask.sum().clamp_min(1e-6)


def train_step(model, opt, x_rgb, x_d, tg, mask):
    """One optimiser step (bf16 autocast on the inputs' device, gradients clipped at 1); returns
    the loss tensor (reading it synchronises a GPU, so callers batch their reads)."""
    with torch.autocast(x_rgb.device.type, dtype=torch.bfloat16):
        pred = model(x_rgb, x_d)
    loss = cosine_loss(pred, tg, mask)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.detach()


def lr_at(step, total, base, warm=100):
    if step < warm:
        return base * (step + 1) / warm
    p = (step - warm) / max(1, total - warm)
    return 1e-5 + 0.5 * (base - 1e-5) * (1 + math.cos(math.pi * p))


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="work/train")
    ap.add_argument("--out", default="work/student")
    ap.add_argument("--steps", type=int, default=1800)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=8e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ckpt-seconds", type=float, default=180)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="checkpoint and stop at this step (keeps --steps' LR schedule); 0 = run to --steps")
    ap.add_argument("--bench", type=int, default=0, help="time this many steps and exit")
    ap.add_argument("--class-balance", type=float, default=0.0,
                    help="weigh each segment's loss by (median class share / its class's share) ** this (0 = off)")
    ap.add_argument("--init", default="",
                    help="start from these weights (a final.pt or recover_student's ckpt), keeping their input statistics")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    data = load(a.data)
    data = {k: (np.asarray(v) if k != "meta" else v) for k, v in data.items() if k != "instances"}
    seg_weights = None
    if a.class_balance:
        with open(os.path.join(a.data, "attrs.json")) as f:
            data["attrs"] = json.load(f)
        seg_weights = segment_weights(data, a.class_balance)
    stats = {"depthMean": data["meta"]["depthMean"], "depthStd": data["meta"]["depthStd"]}
    n = len(data["rgb"])
    model = Student()
    if a.init:  # weights trained on other statistics must keep seeing inputs normalised their way
        init = torch.load(a.init, map_location="cpu", weights_only=False)
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in init["model"].items()})
        stats = init["stats"]
        print(f"initialised from {a.init}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.05)
    step, elapsed = 0, 0.0
    ck = os.path.join(a.out, "ckpt.pt")
    if a.resume and os.path.exists(ck):
        s = torch.load(ck, map_location="cpu", weights_only=False)
        model.load_state_dict(s["model"])
        opt.load_state_dict(s["opt"])
        step, elapsed = s["step"], s["elapsed"]
        print(f"resumed at step {step}", flush=True)
    with open(os.path.join(a.out, "stats.json"), "w") as f:
        json.dump(stats, f)
    model.train()
    t_last = time.time()
    t_ck = time.time()
    losses = []
    end = min(a.steps, a.stop_at) if a.stop_at else a.steps
    while step < end:
        rng = np.random.default_rng((a.seed, step))
        idx = np.sort(rng.choice(n, a.batch, replace=False))
        x_rgb, x_d, tg, mask = make_batch(data, idx, rng, stats, seg_weights=seg_weights)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.steps, a.lr)
        loss = train_step(model, opt, x_rgb, x_d, tg, mask)
        step += 1
        losses.append(loss.item())
        now = time.time()
        elapsed += now - t_last
        t_last = now
        if step % 10 == 0 or step == a.steps:
            rate = step / max(elapsed, 1e-6)
            print(f"step {step}/{a.steps} loss {np.mean(losses[-10:]):.4f} lr {opt.param_groups[0]['lr']:.2e} "
                  f"{rate * a.batch:.2f} img/s elapsed {elapsed / 60:.1f} min eta {(a.steps - step) / rate / 60:.1f} min",
                  flush=True)
        if a.bench and step >= a.bench:
            return
        if now - t_ck > a.ckpt_seconds or step == end:
            save_atomic({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                         "elapsed": elapsed, "args": vars(a)}, ck)
            t_ck = now
    save_atomic({"model": model.state_dict(), "stats": stats, "steps": step, "elapsed": elapsed},
                os.path.join(a.out, "final.pt"))
    print(f"done: {step} steps in {elapsed / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
