"""Compact student checkpoints: half-precision weights and metadata, no optimizer state, split
into parts under a byte limit (the device machine returns files of at most 16 MiB).

A checkpoint `<dir>/<name>` is either one file or parts `<name>.00`, `<name>.01`, ...; writes are
atomic per file and stale parts of an earlier, larger checkpoint are removed.
"""
import glob
import io
import os

import torch

PART_BYTES = 15 * 2**20


def compact_state(model, dtype=torch.float16):
    """Floating-point tensors in `dtype` (integer buffers such as BatchNorm's counter unchanged)."""
    return {k: (v.detach().to("cpu", dtype) if v.is_floating_point() else v.detach().cpu())
            for k, v in model.state_dict().items()}


def _write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def save_compact(model, meta, path, part_bytes=PART_BYTES):
    """Write {"model": half-precision state dict, **meta}; returns the files written."""
    buf = io.BytesIO()
    torch.save({"model": compact_state(model), **meta}, buf)
    data = buf.getvalue()
    old = set(glob.glob(glob.escape(path) + ".[0-9][0-9]")) | ({path} if os.path.exists(path) else set())
    if len(data) <= part_bytes:
        files = [path]
        _write_atomic(path, data)
    else:
        files = [f"{path}.{i:02d}" for i in range((len(data) + part_bytes - 1) // part_bytes)]
        for i, p in enumerate(files):
            _write_atomic(p, data[i * part_bytes:(i + 1) * part_bytes])
    for p in old - set(files):
        os.remove(p)
    return files


def load_compact(path):
    """A checkpoint written by save_compact (one file or its parts) or by train_student."""
    if os.path.exists(path):
        return torch.load(path, map_location="cpu", weights_only=False)
    parts = sorted(glob.glob(glob.escape(path) + ".[0-9][0-9]"))
    if not parts:
        raise FileNotFoundError(f"{path}: no checkpoint (neither the file nor parts {path}.00, ...)")
    if [os.path.basename(p)[-2:] for p in parts] != [f"{i:02d}" for i in range(len(parts))]:
        raise ValueError(f"{path}: parts are not numbered 00..{len(parts) - 1:02d}: {parts}")
    data = b"".join(open(p, "rb").read() for p in parts)
    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)
