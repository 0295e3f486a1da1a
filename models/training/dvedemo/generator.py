"""Deterministic synthetic RGB-D frames with per-pixel ground truth (numpy only).

Public API:
  make_scene(seed, n_rooms=None, kinds=None, required=None) -> scenes.Scene
  render(scene, world_from_camera, rng, intr=INTR) -> Frame dict
  random_views(scene, seed, n) -> list of 4x4 poses at robot height
  walk_path(scene, seed, n_frames, return_trip=False) -> 4x4 poses of a smooth walk through all rooms
  training_frames(seed, views_per_scene) -> frames of one random scene (for datasets)

Frame: rgb uint8 (H,W,3), depth uint16 mm (0 invalid), labels uint8 (0 void, 1..C), instances
uint16 (0 none), world_from_camera float64 4x4 (OpenCV camera: x right, y down, z forward;
world: z up), intrinsics dict. The same seed always gives byte-identical frames.
"""
import heapq

import numpy as np

from . import raycast, scenes, sensor

H, W = 240, 320
INTR = {"width": W, "height": H, "fx": 262.5, "fy": 262.5, "cx": 159.5, "cy": 119.5}


def make_scene(seed, n_rooms=None, kinds=None, required=None):
    return scenes.make_apartment(seed, n_rooms, kinds, required)


def camera_pose(pos, yaw, pitch, roll=0.0):
    """worldFromCamera for a camera at pos looking along yaw (about world z), pitch up > 0."""
    f = np.array([np.cos(yaw) * np.cos(pitch), np.sin(yaw) * np.cos(pitch), np.sin(pitch)])
    right = np.cross(f, [0, 0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(f, right)
    c, s = np.cos(roll), np.sin(roll)
    right, down = c * right + s * down, -s * right + c * down
    T = np.eye(4)
    T[:3, 0], T[:3, 1], T[:3, 2], T[:3, 3] = right, down, f, pos
    return T


def camera_rays(intr=INTR, step=1):
    v, u = np.mgrid[0:intr["height"]:step, 0:intr["width"]:step].astype(np.float64)
    u += (step - 1) / 2
    v += (step - 1) / 2
    d = np.stack([(u - intr["cx"]) / intr["fx"], (v - intr["cy"]) / intr["fy"], np.ones_like(u)], -1)
    return d.reshape(-1, 3), v.shape


def render(scene, T, rng, intr=INTR):
    dc, shape = camera_rays(intr)
    R, o = T[:3, :3], T[:3, 3]
    dirs = dc @ R.T  # z_cam component stays 1, so hit t == depth
    idx, t, nrm, loc = raycast.cast(scene.prims, o, dirs.reshape(*shape, 3), R, intr)
    lin = sensor.shade(scene, idx, t, nrm, loc, dirs, o, rng).reshape(*shape, 3)
    cls_of = np.array([p.class_id for p in scene.prims] + [0], np.uint8)
    ins_of = np.array([p.inst_id for p in scene.prims] + [0], np.uint16)
    labels = cls_of[idx].reshape(shape)
    inst = ins_of[idx].reshape(shape)
    z = np.where(idx >= 0, t, np.inf).reshape(shape)
    return {
        "rgb": sensor.finish_rgb(lin, rng),
        "depth": sensor.sensor_depth(z, idx.reshape(shape), scene, rng),
        "labels": labels,
        "instances": inst,
        "world_from_camera": T,
        "intrinsics": dict(intr),
    }


def _probe_depth(scene, T):
    intr = dict(INTR, width=16, height=12, fx=INTR["fx"] / 20, fy=INTR["fy"] / 20, cx=7.5, cy=5.5)
    dc, shape = camera_rays(intr)
    _, t, _, _ = raycast.cast(scene.prims, T[:3, 3], (dc @ T[:3, :3].T).reshape(*shape, 3), T[:3, :3], intr)
    return np.median(np.where(np.isfinite(t), t, 10.0))


def random_views(scene, seed, n):
    """Poses at robot height (0.6-1.2 m) in free space, not staring into a wall."""
    rng = np.random.default_rng(seed)
    poses = []
    tries = 0
    while len(poses) < n and tries < 200 * n:
        tries += 1
        room = scene.rooms[rng.integers(len(scene.rooms))]
        x = rng.uniform(room.x0 + 0.35, room.x1 - 0.35)
        y = rng.uniform(room.y0 + 0.35, room.y1 - 0.35)
        if not scenes.is_free_point(scene, x, y, 0.25):
            continue
        T = camera_pose(np.array([x, y, rng.uniform(0.6, 1.2)]), rng.uniform(-np.pi, np.pi),
                        np.deg2rad(rng.normal(-10, 8)), np.deg2rad(rng.normal(0, 2)))
        if _probe_depth(scene, T) < 1.2:
            continue
        poses.append(T)
    return poses


def training_frames(seed, views_per_scene):
    """One random apartment and `views_per_scene` rendered frames from it."""
    scene = make_scene(seed)
    poses = random_views(scene, seed + 1_000_003, views_per_scene)
    rng = np.random.default_rng(seed + 2_000_003)
    return scene, [render(scene, T, rng) for T in poses]


# ---------------------------------------------------------------- apartment walk

def _grid_path(scene, a, b, res=0.1, margin=0.3):
    """Shortest free path a->b on an occupancy grid (Dijkstra, 8-connected)."""
    x0 = min(r.x0 for r in scene.rooms)
    x1 = max(r.x1 for r in scene.rooms)
    y0 = min(r.y0 for r in scene.rooms)
    y1 = max(r.y1 for r in scene.rooms)
    nx, ny = int((x1 - x0) / res) + 1, int((y1 - y0) / res) + 1
    free = np.zeros((nx, ny), bool)
    for i in range(nx):
        for j in range(ny):
            free[i, j] = scenes.is_free_point(scene, x0 + i * res, y0 + j * res, margin)
    for r in scene.rooms:  # doorways are free even though they are close to the wall
        for w, u, wd in r.openings:
            if w != 1:
                continue
            xs, ys = r.x1, r.y0 + u
            for i in range(int((xs - 0.7 - x0) / res), int((xs + 0.7 - x0) / res) + 1):
                for j in range(int((ys - wd / 2 + 0.2 - y0) / res), int((ys + wd / 2 - 0.2 - y0) / res) + 1):
                    if 0 <= i < nx and 0 <= j < ny:
                        free[i, j] = True
    def cell(p):
        return (int(round((p[0] - x0) / res)), int(round((p[1] - y0) / res)))
    s, g = cell(a), cell(b)
    free[s] = free[g] = True
    dist = {s: 0.0}
    prev = {}
    pq = [(0.0, s)]
    while pq:
        d, c = heapq.heappop(pq)
        if c == g:
            break
        if d > dist.get(c, np.inf):
            continue
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx == dy == 0:
                    continue
                q = (c[0] + dx, c[1] + dy)
                if not (0 <= q[0] < nx and 0 <= q[1] < ny) or not free[q]:
                    continue
                nd = d + np.hypot(dx, dy)
                if nd < dist.get(q, np.inf):
                    dist[q] = nd
                    prev[q] = c
                    heapq.heappush(pq, (nd, q))
    if g not in prev and g != s:
        return [np.asarray(a), np.asarray(b)]
    path = [g]
    while path[-1] != s:
        path.append(prev[path[-1]])
    return [np.array([x0 + c[0] * res, y0 + c[1] * res]) for c in reversed(path)]


def _free_spot(scene, room, rng, fx, fy):
    for _ in range(200):
        x = room.x0 + (room.x1 - room.x0) * np.clip(fx + rng.normal(0, 0.12), 0.15, 0.85)
        y = room.y0 + (room.y1 - room.y0) * np.clip(fy + rng.normal(0, 0.12), 0.15, 0.85)
        if scenes.is_free_point(scene, x, y, 0.35):
            return np.array([x, y])
    return np.array([(room.x0 + room.x1) / 2, (room.y0 + room.y1) / 2])


def walk_path(scene, seed, n_frames, return_trip=False):
    """A smooth walk visiting every room (a loop in each), turning to look around; with
    return_trip it walks the same way back, so everything is passed twice."""
    rng = np.random.default_rng(seed)
    way = []
    for k, room in enumerate(scene.rooms):
        way += [_free_spot(scene, room, rng, 0.3, 0.3), _free_spot(scene, room, rng, 0.7, 0.35),
                _free_spot(scene, room, rng, 0.7, 0.7), _free_spot(scene, room, rng, 0.3, 0.7)]
        if k + 1 < len(scene.rooms):
            for w, u, wd in room.openings:
                if w == 1:
                    way += [np.array([room.x1 - 0.6, room.y0 + u]), np.array([room.x1 + 0.6, room.y0 + u])]
    if return_trip:
        way += way[-2::-1]
    pts = [way[0]]
    for a, b in zip(way[:-1], way[1:]):
        pts += _grid_path(scene, a, b)[1:]
    pts = np.array(pts)
    # smooth (moving average) and resample at constant speed
    k = 5
    pad = np.concatenate([np.repeat(pts[:1], k, 0), pts, np.repeat(pts[-1:], k, 0)])
    sm = np.stack([np.convolve(pad[:, i], np.ones(2 * k + 1) / (2 * k + 1), "valid") for i in range(2)], 1)
    seg = np.linalg.norm(np.diff(sm, axis=0), axis=1)
    s = np.concatenate([[0], np.cumsum(seg)])
    q = np.linspace(0, s[-1], n_frames)
    xy = np.stack([np.interp(q, s, sm[:, 0]), np.interp(q, s, sm[:, 1])], 1)
    head = np.gradient(xy, axis=0)
    yaw = np.unwrap(np.arctan2(head[:, 1], head[:, 0]))
    yaw = np.convolve(np.pad(yaw, 8, mode="edge"), np.ones(17) / 17, "valid")
    tt = np.arange(n_frames)
    yaw = yaw + 0.6 * np.sin(tt / 23.0)          # look around while walking
    pitch = np.deg2rad(-8 + 5 * np.sin(tt / 31.0))
    z = 0.9 + 0.15 * np.sin(tt / 40.0)
    return [camera_pose(np.array([xy[i, 0], xy[i, 1], z[i]]), yaw[i], pitch[i]) for i in range(n_frames)]
