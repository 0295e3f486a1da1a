"""Shading (Lambertian + a little Blinn specular, procedural textures) and sensor models.

RGB: point lights + ambient, no shadows (one extra ray cast per light would double the cost),
auto exposure, gamma, sensor noise. Depth: Kinect-like disparity quantisation, depth-dependent
noise, holes at depth discontinuities, beyond ~6 m, on glass and black glossy screens, speckles.
"""
import numpy as np

from .raycast import groups

SPEC = {"leather": (0.25, 30), "plastic": (0.12, 20), "metal": (0.45, 40), "glossy": (0.6, 80)}


def _hash(p, k):
    q = np.floor(p * k)
    v = np.sin(q @ np.array([12.9898, 78.233, 37.719])) * 43758.5453
    return v - np.floor(v)


def _art(p, seed):
    r = np.random.default_rng(seed)
    out = np.zeros((len(p), 3))
    base = r.uniform(0, 1, 3)
    for c in range(3):
        a, b = r.uniform(3, 14, 2) * r.choice([-1, 1], 2)
        ph = r.uniform(0, 6.3)
        out[:, c] = base[c] * 0.6 + 0.4 * (0.5 + 0.5 * np.sin(a * p[:, 0] + b * p[:, 2] + ph))
    blocks = _hash(p * np.array([1, 0, 1]) + seed % 97, r.uniform(3, 8))
    return np.clip(out * (0.7 + 0.3 * blocks[:, None]), 0, 1)


def albedo_and_emission(prim, p):
    """Per-pixel albedo (n,3) and emission (n,3) of one primitive at local hit points p."""
    alb = np.broadcast_to(prim.albedo, (len(p), 3)).copy()
    emit = np.zeros_like(alb)
    tex = prim.tex
    kind = tex.get("kind")
    mat = prim.material
    if kind == "planks":
        ax = tex["axis"]
        board = np.floor(p[:, ax] * tex["freq"])
        v = np.sin(board * 12.9898) * 43758.5453
        alb *= (0.85 + 0.2 * (v - np.floor(v)))[:, None]
        alb *= (0.93 + 0.07 * np.sin(p[:, 1 - ax] * 37 + board))[:, None]
        edge = np.abs(p[:, ax] * tex["freq"] - np.round(p[:, ax] * tex["freq"])) < 0.03
        alb[edge] *= 0.6
    elif kind == "tiles":
        g = p[:, :2] / 0.4
        edge = (np.abs(g - np.round(g)) < 0.02).any(1)
        alb *= (0.95 + 0.05 * _hash(p, 2.5))[:, None]
        alb[edge] = 0.85
    elif kind == "stripes":
        on = np.sin(p[:, tex["axis"]] * tex["freq"] * 3.1) > 0.3
        alb[on] = tex["col2"]
    elif kind == "folds":
        alb *= (0.75 + 0.25 * np.sin(p[:, 0] * tex["freq"]))[:, None]
    elif kind == "art":
        alb = _art(p, tex["seed"])
    elif kind == "sky":
        z = p[:, 2] / max(prim.size[2], 1e-3)
        sky = np.stack([0.62 + 0.2 * z, 0.75 + 0.15 * z, 0.95 + 0.0 * z], 1)
        r = np.random.default_rng(tex["seed"])
        if r.random() < 0.5:  # a hedge / building outside
            low = z < r.uniform(-0.6, 0.1)
            sky[low] = r.uniform(0.2, 0.5, 3) * np.array([0.8, 1.0, 0.7])
        emit = np.clip(sky, 0, 1) * 1.1
        alb = alb * 0.1
    elif kind == "panel":
        w, h = prim.size[0], prim.size[2]
        inner = (np.abs(p[:, 0]) < w - 0.12) & (np.abs(p[:, 2]) < h - 0.12)
        rim = inner & ((np.abs(np.abs(p[:, 0]) - (w - 0.12)) < 0.015) | (np.abs(np.abs(p[:, 2]) - (h - 0.12)) < 0.015))
        alb[rim] *= 0.7
    if mat == "wooden" and kind is None:
        alb *= (0.88 + 0.12 * np.sin(p[:, 0] * 60 + 4 * np.sin(p[:, 2] * 9)))[:, None]
    elif mat in ("fabric", "cardboard", "leaf"):
        alb *= (0.9 + 0.1 * _hash(p, 90))[:, None]
    if "emit" in tex:
        emit = emit + alb * tex["emit"]
    return alb, emit


def shade(scene, idx, t, normals, local, dirs, origin, rng):
    n = len(idx)
    P = origin + dirs * t[:, None]
    V = -dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
    alb = np.zeros((n, 3))
    emit = np.zeros((n, 3))
    spec_k = np.zeros(n)
    shin = np.full(n, 10.0)
    for i, sel in groups(idx):
        if i < 0:
            continue
        prim = scene.prims[i]
        a, e = albedo_and_emission(prim, local[sel])
        alb[sel], emit[sel] = a, e
        if prim.material in SPEC:
            spec_k[sel], shin[sel] = SPEC[prim.material]
    # flip normals facing away (thin boxes seen from behind, inside surfaces)
    flip = (normals * V).sum(1) < 0
    normals = np.where(flip[:, None], -normals, normals)
    light = 0.22 + 0.08 * normals[:, 2:3].clip(-1, 1)   # ambient + sky-ish hemisphere term
    light = np.repeat(light, 3, 1)
    spec = np.zeros(n)
    for pos, inten in scene.lights:
        L = pos - P
        d = np.linalg.norm(L, axis=1, keepdims=True)
        L = L / d
        ndl = np.clip((normals * L).sum(1), 0, None)
        att = inten / (1.0 + 0.08 * d[:, 0] ** 2)
        light += (ndl * att)[:, None]
        Hh = L + V
        Hh /= np.linalg.norm(Hh, axis=1, keepdims=True) + 1e-9
        spec += spec_k * np.clip((normals * Hh).sum(1), 0, None) ** shin * att
    rgb = alb * light + spec[:, None] + emit
    rgb[idx < 0] = 0
    return rgb


def finish_rgb(lin, rng):
    """Auto exposure, slight colour cast, gamma, noise, 8-bit quantisation. lin: (H,W,3)."""
    key = np.percentile(lin.mean(2), 90) + 1e-6
    expo = rng.uniform(0.75, 0.95) / key
    cast = 1 + rng.normal(0, 0.03, 3)
    x = np.clip(lin * expo * cast, 0, None)
    x = x / (1 + 0.15 * x)  # gentle highlight roll-off
    x = np.clip(x, 0, 1) ** (1 / 2.2)
    x = x + rng.normal(0, rng.uniform(0.006, 0.02), x.shape)
    return np.clip(np.round(x * 255), 0, 255).astype(np.uint8)


def sensor_depth(z, idx, scene, rng, max_m=6.0, min_m=0.35):
    """z: (H,W) metres (true depth along the optical axis). Returns uint16 mm, 0 = invalid."""
    H, W = z.shape
    fb = 0.075 * 580.0 * (W / 640.0)          # baseline x focal (m*px) of a Kinect-like sensor
    zz = z + rng.normal(0, 1, z.shape) * (0.0012 + 0.0019 * (np.clip(z, 0, 10) - 0.4) ** 2)
    disp = np.round(fb / np.maximum(zz, 1e-3) * 8) / 8   # 1/8 px disparity quantisation
    zq = fb / np.maximum(disp, 1e-6)
    bad = ~np.isfinite(z) | (z > max_m) | (z < min_m)
    # holes at depth discontinuities (shadowing of the IR projector / mixed pixels)
    zf = np.where(np.isfinite(z), z, 20.0)
    gx = np.abs(np.diff(zf, axis=1, append=zf[:, -1:]))
    gy = np.abs(np.diff(zf, axis=0, append=zf[-1:, :]))
    edge = (np.maximum(gx, gy) > 0.04 * zf)
    edge |= np.roll(edge, 1, 1) & (rng.random(z.shape) < 0.6)
    bad |= edge & (rng.random(z.shape) < 0.85)
    # materials the IR pattern does not like
    mats = np.array([p.material for p in scene.prims] + ["none"])
    m = mats[idx]
    bad |= (m == "glass") & (rng.random(z.shape) < 0.85)
    bad |= (m == "glossy") & (rng.random(z.shape) < 0.4)
    # speckle and a few blobs
    bad |= rng.random(z.shape) < 0.003
    for _ in range(int(rng.integers(0, 4))):
        cy, cx, r = rng.integers(0, H), rng.integers(0, W), rng.integers(2, 8)
        yy, xx = np.ogrid[:H, :W]
        bad |= (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
    mm = np.round(zq * 1000)
    mm[bad] = 0
    return np.clip(mm, 0, 65535).astype(np.uint16)
