"""Training frames rendered by a pool of worker processes while the trainer runs (numpy only).

Each apartment has its own seed (dataset.SEED_BASE[split] + scene index) and results come back
in scene order (Pool.imap), so the frame sequence is the same whatever the worker count; only
how far it has got at a given moment depends on the machine. Frames travel in the compact form
the trainer needs: rgb (H,W,3) u8, depth (H,W) u16 mm, the segment index at the centre pixel of
each stride-4 cell for the image and for its mirror image, and the teacher targets (KMAX, D) f16.
"""
import multiprocessing as mp

import numpy as np

from .dataset import KMAX, scene_frames
from .teacher import DIM


def compact(seg, T):
    """(seg4, seg4_flipped, targets): seg sampled at stride 4 as train_student.make_batch does,
    once for the frame and once for its horizontal mirror (so a flip on the GPU stays exact)."""
    targets = np.zeros((KMAX, DIM), np.float16)
    targets[1:len(T) + 1] = T  # row 0 unused: segment 0 = no target
    mirrored = seg[:, ::-1]
    return seg[2::4, 2::4].copy(), mirrored[2::4, 2::4].copy(), targets


def compact_scene(args):
    out = []
    for _, f, seg, T in scene_frames(*args):
        s4, s4f, targets = compact(seg, T)
        out.append({"rgb": f["rgb"], "depth": f["depth"], "seg4": s4, "seg4_flipped": s4f, "targets": targets})
    return out


class FrameStream:
    """Scenes 0..n_scenes-1 of `split` rendered by `workers` processes; poll() returns the frames
    finished since the last call, in order, without blocking (block=True waits for at least one
    scene). Create it before CUDA is initialised (workers are forked)."""

    def __init__(self, split, n_scenes, views, workers):
        self.views = views
        self.done = 0
        self.finished = False
        self._pool = mp.get_context("fork").Pool(workers)
        self._it = self._pool.imap(compact_scene, [(split, i, views) for i in range(n_scenes)], chunksize=1)

    def poll(self, block=False, max_frames=None):
        out = []
        while not self.finished and (max_frames is None or len(out) < max_frames):
            try:
                frames = self._it.next(timeout=None if (block and not out) else 0)
            except mp.TimeoutError:
                break
            except StopIteration:  # every scene is done (a cramped one may give fewer views)
                self.finished = True
                break
            out += frames
            self.done += len(frames)
        return out

    def close(self):
        self._pool.terminate()
        self._pool.join()
