"""Training frames held on the training device (GPU memory on the device machine) and batches
made there: the same augmentation and targets as train_student.make_batch, with no per-step copy
from the host. About 425 kB per frame, so 40 000 frames take 17 GB.
"""
import numpy as np
import torch

from .dataset import KMAX
from .generator import H, W
from .teacher import DIM
from .train_student import RGB_MEAN, RGB_STD


class DevicePool:
    def __init__(self, capacity, device):
        self.device = torch.device(device)
        self.capacity = capacity
        self.n = 0
        kw = {"device": self.device}
        self.rgb = torch.empty((capacity, H, W, 3), dtype=torch.uint8, **kw)
        self.depth = torch.empty((capacity, H, W), dtype=torch.int16, **kw)  # mm, at most ~6500
        self.seg4 = torch.empty((capacity, 2, H // 4, W // 4), dtype=torch.uint8, **kw)  # [frame, mirror]
        self.targets = torch.empty((capacity, KMAX, DIM), dtype=torch.float16, **kw)
        self._mean = torch.tensor(RGB_MEAN, **kw)
        self._std = torch.tensor(RGB_STD, **kw)

    def add(self, frames):
        """Append frame_stream frames (dicts) up to capacity; returns how many were kept."""
        frames = frames[: self.capacity - self.n]
        if not frames:
            return 0
        k, n = len(frames), self.n

        def put(dst, key, dtype=None):
            a = np.stack([f[key] for f in frames])
            dst[n:n + k] = torch.from_numpy(a.astype(dtype) if dtype else a).to(self.device, non_blocking=False)
        put(self.rgb, "rgb")
        put(self.depth, "depth", np.int16)
        self.seg4[n:n + k] = torch.from_numpy(np.stack([np.stack([f["seg4"], f["seg4_flipped"]]) for f in frames])
                                              ).to(self.device)
        put(self.targets, "targets")
        self.n += k
        return k

    def depth_stats(self, frames):
        """Mean and std (mm) of the valid depths of the first `frames` frames (as dataset.build)."""
        d = self.depth[:frames].double()
        valid = d[d > 0]
        return {"depthMean": float(valid.mean()), "depthStd": float(valid.std(correction=0))}

    def batch(self, rng, size, stats):
        """Draw `size` distinct frames from the pool with `rng`, flip half, jitter colour; returns
        normalised rgb (B,3,H,W), depth (B,1,H,W), targets (B,D,H/4,W/4) and mask (B,H/4,W/4)."""
        idx = np.sort(rng.choice(self.n, size, replace=False))
        flip = rng.random(size) < 0.5
        gain = rng.uniform(0.8, 1.2, (size, 1)) * rng.uniform(0.92, 1.08, (size, 3))
        offset = rng.normal(0, 6, size)
        dev = self.device
        i = torch.from_numpy(idx).to(dev)
        f = torch.from_numpy(flip).to(dev)
        rgb = self.rgb[i].float()
        rgb = torch.where(f[:, None, None, None], rgb.flip(2), rgb)
        rgb = rgb * torch.from_numpy(gain).float().to(dev)[:, None, None, :] + \
            torch.from_numpy(offset).float().to(dev)[:, None, None, None]
        rgb = rgb.clamp(0, 255).floor()  # the CPU path's uint8 cast
        rgb = ((rgb - self._mean) / self._std).permute(0, 3, 1, 2).contiguous()
        depth = self.depth[i].float()
        depth = torch.where(f[:, None, None], depth.flip(2), depth)
        dn = torch.where(depth > 0, (depth - stats["depthMean"]) / stats["depthStd"], torch.zeros_like(depth))
        seg = self.seg4[i, f.long()].long()  # the mirror's own stride-4 samples when flipped
        tg = self.targets[i[:, None, None], seg].permute(0, 3, 1, 2).float()
        return rgb, dn[:, None], tg, seg > 0
