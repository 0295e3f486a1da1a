"""Demo model v2 in one time-budgeted run on the device machine (GPU + many cores); also runs on
the CPU at toy scale (the tests do that).

While worker processes render apartments (frame_stream, all cores but two), the text tower is
trained on the GPU, then the student is distilled from a pool of frames held in GPU memory that
grows as scenes arrive (bf16 autocast, batch 128). After a short timing run the step count is
fixed so the cosine schedule ends before --budget-s; a compact checkpoint (fp16 weights, no
optimizer state, parts under 15 MiB) goes to --out every --ckpt-seconds, so a run cut short still
returns a model. Files in --out: student.pt, text-hf.tar, run.json (the log is the caller's).

  python -m dvedemo.gpu_run --out "$OUT" --budget-s 500
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

import numpy as np
import torch

from .checkpoint import save_compact
from .frame_stream import FrameStream

T0 = time.time()


def log(msg):
    print(f"[{time.time() - T0:6.1f}s] {msg}", flush=True)


def parse_args(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--budget-s", type=float, default=500, help="wall seconds from start to the final checkpoint")
    ap.add_argument("--scenes", type=int, default=12000, help="apartments queued (rendering stops at the deadline)")
    ap.add_argument("--views", type=int, default=4)
    ap.add_argument("--pool-frames", type=int, default=40000, help="frames kept on the device at most")
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 2))
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--steps", type=int, default=0, help="fix the step count (0: plan it from the measured rate)")
    ap.add_argument("--min-frames", type=int, default=512, help="frames before the student starts (depth stats)")
    ap.add_argument("--text-steps", type=int, default=3000, help="text tower steps (0: skip)")
    ap.add_argument("--ckpt-seconds", type=float, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return ap.parse_args(argv)


def start_text_tower(a, work):
    """train_text in its own process beside the student (it prints to the same log)."""
    cmd = [sys.executable, "-m", "dvedemo.train_text", "--out", os.path.join(work, "text", "hf"),
           "--steps", str(a.text_steps), "--device", a.device, "--threads", "1"]
    return subprocess.Popen(cmd, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def finish_text_tower(proc, a, work, seconds):
    """Wait for the text tower and pack its folder (hf/ + train_report.json) into text-hf.tar."""
    try:
        rc = proc.wait(timeout=max(1.0, seconds))
    except subprocess.TimeoutExpired:
        proc.kill()
        log("text tower: still running at the deadline, killed (no text-hf.tar)")
        return False
    if rc != 0:
        log(f"text tower: failed with exit code {rc} (no text-hf.tar)")
        return False
    tmp = os.path.join(a.out, "text-hf.tar.tmp")
    with tarfile.open(tmp, "w") as tf:
        tf.add(os.path.join(work, "text"), arcname="text")
    os.replace(tmp, os.path.join(a.out, "text-hf.tar"))
    log("text tower: text-hf.tar written")
    return True


def plan_steps(step, seconds_per_step, seconds_left, margin=0.97):
    """Total steps so the schedule ends within the seconds left (what the timing run measured)."""
    return step + max(1, int(margin * seconds_left / seconds_per_step))


def main(argv=None):
    global T0
    T0 = time.time()
    a = parse_args(argv)
    a.min_frames = max(a.min_frames, a.batch)
    deadline = T0 + a.budget_s
    os.makedirs(a.out, exist_ok=True)
    work = os.path.join("/tmp", f"dve-gpu-run-{os.getpid()}")
    stream = FrameStream("train", a.scenes, a.views, a.workers)  # forked before CUDA starts
    run = {"args": vars(a), "device": a.device, "torch": torch.__version__, "stages": {}, "trace": []}
    text = start_text_tower(a, work) if a.text_steps else None
    try:
        from .device_pool import DevicePool
        from .student import Student
        from .train_student import lr_at, train_step
        torch.set_num_threads(2)
        if a.device.startswith("cuda"):
            run["gpu"] = torch.cuda.get_device_name()
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
            torch.backends.cudnn.benchmark = True
        log(f"device {run.get('gpu', a.device)}, {a.workers} render workers, torch {torch.__version__}")
        pool = DevicePool(min(a.pool_frames, a.scenes * a.views), a.device)
        while pool.n < a.min_frames and not stream.finished:
            pool.add(stream.poll(block=True))
        stats = pool.depth_stats(min(pool.n, a.min_frames))
        log(f"{pool.n} frames ready, depth stats {stats}")
        torch.manual_seed(a.seed)
        model = Student().to(a.device)
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.05, fused=a.device.startswith("cuda"))
        total = a.steps or 10**9
        meta = {"stats": stats, "steps": 0, "plannedSteps": total, "framesInPool": pool.n, "final": False}
        ckpt = os.path.join(a.out, "student.pt")
        step, losses, t_ck, t_mark = 0, [], time.time(), None
        model.train()
        run["stages"]["studentStartAtS"] = time.time() - T0
        while step < total:
            if time.time() > deadline:
                log(f"deadline reached at step {step} of {total}")
                break
            pool.add(stream.poll())
            rng = np.random.default_rng((a.seed, step))
            x_rgb, x_d, tg, mask = pool.batch(rng, a.batch, stats)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, a.lr, a.warmup)
            losses.append(train_step(model, opt, x_rgb, x_d, tg, mask))
            step += 1
            if step in (20, 120) and not a.steps:  # time steps 20..120, then fix the schedule
                if a.device.startswith("cuda"):
                    torch.cuda.synchronize()
                if step == 20:
                    t_mark = time.time()
                else:
                    sps = (time.time() - t_mark) / 100
                    total = plan_steps(step, sps, deadline - time.time())
                    run["secondsPerStep"] = sps
                    log(f"{sps * 1000:.0f} ms/step ({a.batch / sps:.0f} img/s): planned {total} steps")
            if step % 50 == 0 or step == total:
                mean = float(torch.stack(losses).mean())
                losses = []
                run["trace"].append({"step": step, "loss": round(mean, 4), "frames": pool.n,
                                     "s": round(time.time() - T0, 1)})
                log(f"step {step}/{total} loss {mean:.4f} lr {opt.param_groups[0]['lr']:.2e} frames {pool.n}")
            if time.time() - t_ck > a.ckpt_seconds:
                meta.update(steps=step, plannedSteps=total, framesInPool=pool.n)
                save_compact(model, meta, ckpt)
                t_ck = time.time()
                log(f"checkpoint at step {step}")
        meta.update(steps=step, plannedSteps=total, framesInPool=pool.n, final=step >= total)
        files = save_compact(model, meta, ckpt)
        run.update(steps=step, plannedSteps=total, framesInPool=pool.n, scenesRendered=stream.done // a.views,
                   framesRendered=stream.done, checkpoint=[os.path.basename(f) for f in files], stats=stats)
        run["stages"]["studentEndS"] = time.time() - T0
        if text:
            run["textTower"] = finish_text_tower(text, a, work, deadline + 30 - time.time())
            text = None
        log(f"done: {step} steps, {pool.n} frames in the pool, checkpoint {files}")
    finally:
        stream.close()
        if text:
            text.kill()
        run["seconds"] = time.time() - T0
        with open(os.path.join(a.out, "run.json"), "w") as f:
            json.dump(run, f, indent=1)
        shutil.rmtree(work, ignore_errors=True)
    return run


if __name__ == "__main__":
    main()
