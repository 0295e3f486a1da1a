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
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)
        t1 = (-h - o) * inv
        t2 = (h - o) * inv
    tnear = np.minimum(t1, t2).max(axis=1)
    tfar = np.maximum(t1, t2).min(axis=1)
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


def cast(prims, origin, dirs):
    """Nearest hit per ray.

    Returns index (N,) of the winning primitive (-1 = none), depth t (N,), world normals (N,3)
    and local hit points (N,3) (for procedural textures).
    """
    n = len(dirs)
    best_t = np.full(n, np.inf)
    best_i = np.full(n, -1, np.int32)
    for i, prim in enumerate(prims):
        t = hit_distance(prim, origin, dirs)
        closer = t < best_t
        best_t = np.where(closer, t, best_t)
        best_i = np.where(closer, i, best_i)
    normals = np.zeros((n, 3))
    local = np.zeros((n, 3))
    for i in np.unique(best_i):
        if i < 0:
            continue
        sel = np.nonzero(best_i == i)[0]
        prim = prims[i]
        o, d = _local(prim, origin, dirs[sel])
        p = o + best_t[sel, None] * d
        nl = _normal_local(prim, p)
        nw = nl @ prim.R.T
        nw /= np.linalg.norm(nw, axis=1, keepdims=True) + 1e-12
        normals[sel] = nw
        local[sel] = p
    return best_i, best_t, normals, local
