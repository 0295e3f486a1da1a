"""Vectorised ray casting of oriented boxes, cylinders and ellipsoids (numpy only).

All rays of a frame share the camera origin, so each primitive costs one (N,3)@(3,3) product
plus a few element-wise passes. Pass 1 finds the nearest hit distance per primitive for every
ray; pass 2 recomputes normals / local hit points only for the pixels each primitive wins.
Ray directions are camera rays with z_cam = 1, so the hit parameter t IS the depth z in metres.
"""
import numpy as np

BOX, CYL, ELL = 0, 1, 2
EPS = 1e-4


class Prim:
    """One primitive in world space.

    kind  BOX: size = half extents (x, y, z) in the local frame
          CYL: size = (radius, radius, half height); axis = local z
          ELL: size = radii (x, y, z)
    R     world-from-local rotation (3x3), t = centre in world
    """

    __slots__ = ("kind", "R", "t", "size", "class_id", "inst_id", "albedo", "material", "tex")

    def __init__(self, kind, R, t, size, class_id, inst_id, albedo, material, tex):
        self.kind = kind
        self.R = np.asarray(R, np.float64)
        self.t = np.asarray(t, np.float64)
        self.size = np.asarray(size, np.float64)
        self.class_id = int(class_id)
        self.inst_id = int(inst_id)
        self.albedo = np.asarray(albedo, np.float64)
        self.material = material
        self.tex = tex  # dict of texture parameters, see sensor.shade


def _t_box(o, d, h):
    # explicit per-axis slabs: numpy reductions over a length-3 axis are slow
    tnear = np.full(len(d), -np.inf)
    tfar = np.full(len(d), np.inf)
    for a in range(3):
        da = d[:, a]
        inv = 1.0 / np.where(np.abs(da) < 1e-12, 1e-12, da)
        t1 = (-h[a] - o[a]) * inv
        t2 = (h[a] - o[a]) * inv
        np.maximum(tnear, np.minimum(t1, t2), out=tnear)
        np.minimum(tfar, np.maximum(t1, t2), out=tfar)
    hit = (tfar >= tnear) & (tnear > EPS)
    return np.where(hit, tnear, np.inf)


def _t_cyl(o, d, r, h):
    a = d[:, 0] ** 2 + d[:, 1] ** 2
    b = 2 * (o[0] * d[:, 0] + o[1] * d[:, 1])
    c = o[0] ** 2 + o[1] ** 2 - r * r
    disc = b * b - 4 * a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        ts = (-b - np.sqrt(np.maximum(disc, 0))) / (2 * np.maximum(a, 1e-12))
    zs = o[2] + ts * d[:, 2]
    side = (disc >= 0) & (ts > EPS) & (np.abs(zs) <= h)
    best = np.where(side, ts, np.inf)
    dz = np.where(np.abs(d[:, 2]) < 1e-12, 1e-12, d[:, 2])
    for zc in (h, -h):
        tc = (zc - o[2]) / dz
        x = o[0] + tc * d[:, 0]
        y = o[1] + tc * d[:, 1]
        cap = (tc > EPS) & (x * x + y * y <= r * r)
        best = np.where(cap & (tc < best), tc, best)
    return best


def _t_ell(o, d, radii):
    os_ = o / radii
    ds = d / radii
    a = (ds * ds).sum(1)
    b = 2 * (ds @ os_)
    c = os_ @ os_ - 1
    disc = b * b - 4 * a * c
    t = (-b - np.sqrt(np.maximum(disc, 0))) / (2 * a)
    return np.where((disc >= 0) & (t > EPS), t, np.inf)


def _local(prim, origin, dirs):
    o = prim.R.T @ (origin - prim.t)
    d = dirs @ prim.R  # row-vector form of R^T d
    return o, d


def hit_distance(prim, origin, dirs):
    o, d = _local(prim, origin, dirs)
    if prim.kind == BOX:
        return _t_box(o, d, prim.size)
    if prim.kind == CYL:
        return _t_cyl(o, d, prim.size[0], prim.size[2])
    return _t_ell(o, d, prim.size)


def _normal_local(prim, p):
    if prim.kind == BOX:
        q = np.abs(p) / prim.size
        ax = q.argmax(1)
        n = np.zeros_like(p)
        n[np.arange(len(p)), ax] = np.sign(p[np.arange(len(p)), ax])
        return n
    if prim.kind == CYL:
        r, h = prim.size[0], prim.size[2]
        on_cap = np.abs(np.abs(p[:, 2]) - h) < 1e-3 * max(h, 1e-3) + 1e-5
        n = np.stack([p[:, 0] / r, p[:, 1] / r, np.zeros(len(p))], 1)
        n[on_cap] = 0
        n[on_cap, 2] = np.sign(p[on_cap, 2])
        return n
    return p / (prim.size ** 2)


def bound_radius(prim):
    if prim.kind == BOX:
        return float(np.linalg.norm(prim.size))
    if prim.kind == CYL:
        return float(np.hypot(prim.size[0], prim.size[2]))
    return float(prim.size.max())


def screen_rect(prim, origin, R_wc, intr):
    """Conservative pixel rectangle (v0, v1, u0, u1) that the primitive's bounding sphere can
    cover, or None when it is entirely behind the camera. Culling makes a frame ~10x cheaper."""
    r = bound_radius(prim)
    c = R_wc.T @ (prim.t - origin)
    Hh, Ww = intr["height"], intr["width"]
    if c[2] + r <= EPS:
        return None
    if c[2] - r <= 0.02:
        return 0, Hh, 0, Ww
    zs = (c[2] - r, c[2] + r)
    us = [intr["fx"] * (c[0] + sx * r) / z + intr["cx"] for sx in (-1, 1) for z in zs]
    vs = [intr["fy"] * (c[1] + sy * r) / z + intr["cy"] for sy in (-1, 1) for z in zs]
    u0, u1 = max(0, int(np.floor(min(us)))), min(Ww, int(np.ceil(max(us))) + 1)
    v0, v1 = max(0, int(np.floor(min(vs)))), min(Hh, int(np.ceil(max(vs))) + 1)
    if u0 >= u1 or v0 >= v1:
        return None
    return v0, v1, u0, u1


def groups(idx):
    """(value, indices) for every value of an int array, via one sort instead of n masks."""
    order = np.argsort(idx, kind="stable")
    vals, starts = np.unique(idx[order], return_index=True)
    ends = np.append(starts[1:], len(idx))
    return [(v, order[a:b]) for v, a, b in zip(vals, starts, ends)]


def cast(prims, origin, dirs_grid, R_wc, intr):
    """Nearest hit per ray. dirs_grid: (H,W,3) world ray directions with z_cam = 1.

    Returns flat arrays: index (N,) of the winning primitive (-1 = none), depth t (N,),
    world normals (N,3) and local hit points (N,3) (for procedural textures).
    """
    Hh, Ww = dirs_grid.shape[:2]
    best_t = np.full((Hh, Ww), np.inf)
    best_i = np.full((Hh, Ww), -1, np.int32)
    for i, prim in enumerate(prims):
        rect = screen_rect(prim, origin, R_wc, intr)
        if rect is None:
            continue
        v0, v1, u0, u1 = rect
        d = dirs_grid[v0:v1, u0:u1].reshape(-1, 3)
        t = hit_distance(prim, origin, d).reshape(v1 - v0, u1 - u0)
        bt = best_t[v0:v1, u0:u1]
        closer = t < bt
        bt[closer] = t[closer]
        best_i[v0:v1, u0:u1][closer] = i
    best_t = best_t.reshape(-1)
    best_i = best_i.reshape(-1)
    dirs = dirs_grid.reshape(-1, 3)
    n = len(dirs)
    normals = np.zeros((n, 3))
    local = np.zeros((n, 3))
    for i, sel in groups(best_i):
        if i < 0:
            continue
        prim = prims[i]
        o, d = _local(prim, origin, dirs[sel])
        p = o + best_t[sel, None] * d
        nl = _normal_local(prim, p)
        nw = nl @ prim.R.T
        nw /= np.linalg.norm(nw, axis=1, keepdims=True) + 1e-12
        normals[sel] = nw
        local[sel] = p
    return best_i, best_t, normals, local
