"""Primitive compositions for every object class, with varied sizes, colours and materials.

Object frame: x = width, y = depth with the FRONT facing +y, z = up, origin on the floor at the
footprint centre. A builder returns an Obj whose parts are later posed into the world by scenes.
Parts are (kind, centre, size, R_local, albedo, material, tex).
"""
import numpy as np

from .object_parts import Obj, box_legs, jitter, pick_colour, rot_x, rot_y
from .raycast import BOX, CYL, ELL
from .vocab import COLOURS, COLOUR_NAMES

def sofa(rng, width=None):
    mat = str(rng.choice(["fabric", "leather", "fabric"]))
    cname, col = pick_colour(rng, ["red", "green", "blue", "grey", "brown", "black", "white",
                                   "yellow", "orange", "purple"])
    W = width or rng.uniform(1.6, 2.5)
    D = rng.uniform(0.8, 1.0)
    o = Obj("sofa", W / 2, D / 2, rng.uniform(0.75, 0.95), cname, mat)
    leg = rng.uniform(0.04, 0.14)
    seat = rng.uniform(0.38, 0.46)
    arm_w = rng.uniform(0.1, 0.25)
    back_d = rng.uniform(0.15, 0.25)
    dark = col * 0.8
    o.add(BOX, (0, 0, leg + (seat - 0.12 - leg) / 2), (W / 2, D / 2, (seat - 0.12 - leg) / 2), dark, mat)
    ncush = int(rng.integers(1, 4))
    cw = (W - 2 * arm_w) / ncush
    for k in range(ncush):
        cx = -W / 2 + arm_w + cw * (k + 0.5)
        o.add(BOX, (cx, back_d / 2, seat - 0.06), (cw / 2 - 0.01, (D - back_d) / 2 - 0.01, 0.06), col, mat)
        if rng.random() < 0.5:  # back cushions
            o.add(BOX, (cx, -D / 2 + back_d + 0.08, seat + 0.2), (cw / 2 - 0.02, 0.08, 0.18),
                  col * 1.05, mat, rot_x(-0.2))
    o.add(BOX, (0, -D / 2 + back_d / 2, (seat + o.height) / 2 - 0.06),
          (W / 2, back_d / 2, (o.height - seat) / 2 + 0.06), col, mat)
    arm_h = rng.uniform(0.55, 0.7)
    roll = rng.random() < 0.35
    for s in (-1, 1):
        if roll:
            o.add(BOX, (s * (W / 2 - arm_w / 2), 0, (leg + arm_h - 0.08) / 2),
                  (arm_w / 2, D / 2, (arm_h - 0.08 - leg) / 2), col, mat)
            o.add(CYL, (s * (W / 2 - arm_w / 2), 0, arm_h - 0.08), (arm_w / 2 + 0.02, 0, D / 2),
                  col, mat, rot_x(np.pi / 2))
        else:
            o.add(BOX, (s * (W / 2 - arm_w / 2), 0, (leg + arm_h) / 2), (arm_w / 2, D / 2, (arm_h - leg) / 2),
                  col, mat)
    box_legs(o, rng, W / 2, D / 2, leg, 0.025, (0.2, 0.15, 0.1))
    return o


def armchair(rng):
    o = sofa(rng, width=rng.uniform(0.75, 1.0))
    o.cls = "armchair"
    o.hd = rng.uniform(0.38, 0.48)
    if rng.random() < 0.4:  # wingback: tall back with side wings
        col = o.parts[0][4] / 0.8
        o.add(BOX, (0, -o.hd + 0.1, 0.9), (o.hw - 0.05, 0.08, 0.22), col, o.material)
        o.height = 1.12
    return o


def massage_chair(rng):
    cname, col = pick_colour(rng, ["black", "brown", "grey", "white", "red", "blue"])
    mat = str(rng.choice(["leather", "plastic"]))
    W, D = rng.uniform(0.75, 0.9), rng.uniform(1.1, 1.4)
    o = Obj("massage chair", W / 2, D / 2, 1.15, cname, mat)
    acc = jitter(rng, COLOURS[str(rng.choice(["black", "grey", "white"]))])
    o.add(BOX, (0, 0, 0.12), (W / 2 - 0.05, D / 2 - 0.15, 0.12), acc, "plastic")
    o.add(BOX, (0, 0.05, 0.38), (W / 2 - 0.15, 0.28, 0.1), col, mat)
    tilt = rng.uniform(0.35, 0.6)
    o.add(BOX, (0, -0.32, 0.75), (W / 2 - 0.14, 0.12, 0.4), col, mat, rot_x(tilt))
    o.add(ELL, (0, -0.52, 1.12), (0.2, 0.12, 0.12), col * 0.9, mat, rot_x(tilt))
    o.add(BOX, (0, 0.52, 0.28), (W / 2 - 0.2, 0.1, 0.26), col, mat, rot_x(rng.uniform(0.4, 0.8)))
    for s in (-1, 1):
        o.add(BOX, (s * (W / 2 - 0.08), -0.05, 0.45), (0.08, 0.38, 0.22), acc, "plastic")
        o.add(CYL, (s * (W / 2 - 0.08), -0.05, 0.67), (0.085, 0, 0.38), col, mat, rot_x(np.pi / 2))
    return o


def bean_bag(rng):
    cname, col = pick_colour(rng)
    mat = str(rng.choice(["fabric", "leather"]))
    r = rng.uniform(0.4, 0.6)
    h = rng.uniform(0.25, 0.4)
    o = Obj("bean bag", r, r, 2 * h + 0.2, cname, mat)
    o.add(ELL, (0, 0, h), (r, r * rng.uniform(0.9, 1.05), h), col, mat)
    o.add(ELL, (0, -r * 0.45, h * 1.7), (r * 0.75, r * 0.35, h * 0.8), col * 0.95, mat, rot_x(-0.3))
    return o


def bed(rng):
    cname, col = pick_colour(rng)
    mat = "fabric"
    W, L = rng.choice([0.95, 1.4, 1.6, 1.8]) + rng.uniform(-0.05, 0.05), rng.uniform(2.0, 2.15)
    o = Obj("bed", W / 2, L / 2, 1.0, cname, mat)
    frame_col = jitter(rng, COLOURS[str(rng.choice(["brown", "white", "grey", "black"]))])
    fh = rng.uniform(0.2, 0.35)
    o.add(BOX, (0, 0, fh / 2), (W / 2, L / 2, fh / 2), frame_col, "wooden")
    o.add(BOX, (0, 0.02, fh + 0.1), (W / 2 - 0.03, L / 2 - 0.05, 0.1), (0.9, 0.9, 0.88), "fabric")
    o.add(BOX, (0, L * 0.12, fh + 0.21), (W / 2 - 0.01, L * 0.36, 0.03), col, mat)  # blanket
    o.add(BOX, (0, L * 0.12, fh + 0.13), (W / 2 + 0.02, L * 0.36, 0.1), col * 0.92, mat)
    hb = rng.uniform(0.8, 1.2)
    o.height = hb
    o.add(BOX, (0, -L / 2 + 0.04, hb / 2), (W / 2 + 0.03, 0.04, hb / 2), frame_col, "wooden")
    npil = 1 if W < 1.2 else 2
    for k in range(npil):
        px = 0 if npil == 1 else (-W / 4 if k == 0 else W / 4)
        o.add(ELL, (px, -L / 2 + 0.3, fh + 0.27), (min(0.3, W / 4 + 0.05), 0.17, 0.07),
              jitter(rng, (0.92, 0.92, 0.9)) if rng.random() < 0.6 else col * 1.1, "fabric")
    return o


def table(rng, kind=None):
    mat = str(rng.choice(["wooden", "wooden", "plastic"]))
    cname, col = pick_colour(rng, ["brown", "white", "black", "grey"] if mat == "wooden"
                             else ["white", "black", "red", "blue", "green", "yellow"])
    kind = kind or str(rng.choice(["coffee", "dining", "round"]))
    H = rng.uniform(0.38, 0.5) if kind == "coffee" else rng.uniform(0.72, 0.78)
    if kind == "round":
        r = rng.uniform(0.35, 0.6)
        o = Obj("table", r, r, H, cname, mat)
        o.add(CYL, (0, 0, H - 0.02), (r, r, 0.02), col, mat)
        o.add(CYL, (0, 0, H / 2), (0.04, 0.04, H / 2), col * 0.7, "metal")
        o.add(CYL, (0, 0, 0.015), (r * 0.5, r * 0.5, 0.015), col * 0.7, "metal")
    else:
        W = rng.uniform(0.8, 1.3) if kind == "coffee" else rng.uniform(1.1, 1.8)
        D = rng.uniform(0.5, 0.7) if kind == "coffee" else rng.uniform(0.7, 1.0)
        o = Obj("table", W / 2, D / 2, H, cname, mat)
        th = rng.uniform(0.025, 0.05)
        o.add(BOX, (0, 0, H - th), (W / 2, D / 2, th), col, mat)
        box_legs(o, rng, W / 2, D / 2, H - 2 * th, rng.uniform(0.02, 0.035), col * 0.8)
        if kind == "coffee" and rng.random() < 0.4:  # lower shelf
            o.add(BOX, (0, 0, 0.12), (W / 2 - 0.05, D / 2 - 0.05, 0.015), col, mat)
    o.top = H
    return o


def chair(rng):
    mat = str(rng.choice(["wooden", "plastic", "fabric"]))
    cname, col = pick_colour(rng)
    W = rng.uniform(0.4, 0.5)
    o = Obj("chair", W / 2, W / 2, rng.uniform(0.8, 0.95), cname, mat)
    sh = rng.uniform(0.43, 0.48)
    o.add(BOX, (0, 0, sh), (W / 2, W / 2, 0.025), col, mat)
    box_legs(o, rng, W / 2, W / 2, sh - 0.02, 0.018, col * 0.75, inset=0.01)
    bh = o.height - sh
    if rng.random() < 0.5:
        o.add(BOX, (0, -W / 2 + 0.02, sh + bh / 2), (W / 2, 0.02, bh / 2), col, mat, rot_x(-0.08))
    else:  # two posts and a rail
        for s in (-1, 1):
            o.add(BOX, (s * (W / 2 - 0.02), -W / 2 + 0.02, sh + bh / 2), (0.018, 0.018, bh / 2), col, mat)
        o.add(BOX, (0, -W / 2 + 0.02, o.height - 0.1), (W / 2, 0.02, 0.1), col, mat)
    return o


def lamp(rng, small=False):
    mat = "fabric"
    cname, col = pick_colour(rng, ["white", "yellow", "orange", "red", "black", "grey", "green", "blue"])
    metal = jitter(rng, COLOURS[str(rng.choice(["black", "grey", "white", "yellow"]))])
    H = rng.uniform(0.35, 0.55) if small else rng.uniform(1.3, 1.75)
    rs = rng.uniform(0.1, 0.15) if small else rng.uniform(0.17, 0.27)
    o = Obj("lamp", rs, rs, H, cname, mat)
    o.add(CYL, (0, 0, 0.015), (rs * 0.7, rs * 0.7, 0.015), metal, "metal")
    o.add(CYL, (0, 0, H / 2), (0.012, 0.012, H / 2), metal, "metal")
    sh = rs * rng.uniform(0.9, 1.5)
    glow = {"emit": 0.45}
    if rng.random() < 0.6:
        o.add(CYL, (0, 0, H - sh / 2), (rs, rs, sh / 2), col, mat, tex=glow)
    else:
        o.add(ELL, (0, 0, H - sh / 2), (rs, rs, sh / 2), col, mat, tex=glow)
    return o


def tv(rng):
    W = rng.uniform(0.8, 1.5)
    H = W * 0.58
    o = Obj("tv", W / 2, 0.12, H + 0.08, "black", "plastic")
    bez = jitter(rng, COLOURS[str(rng.choice(["black", "black", "grey", "white"]))], 0.02)
    o.add(BOX, (0, 0.0, 0.04), (0.18, 0.1, 0.01), bez, "metal")
    o.add(BOX, (0, -0.02, 0.06), (0.03, 0.02, 0.06), bez, "metal")
    o.add(BOX, (0, 0, 0.08 + H / 2), (W / 2, 0.03, H / 2), bez, "plastic")
    on = rng.random() < 0.4
    screen = {"kind": "art", "seed": int(rng.integers(1 << 30)), "emit": 0.8} if on else {"kind": "screen"}
    o.add(BOX, (0, 0.031, 0.08 + H / 2), (W / 2 - 0.025, 0.002, H / 2 - 0.025),
          (0.03, 0.03, 0.04), "glossy", tex=screen)
    return o


def shelf(rng):
    mat = str(rng.choice(["wooden", "wooden", "plastic"]))
    cname, col = pick_colour(rng, ["brown", "white", "black", "grey", "yellow", "red", "blue"])
    W, D, H = rng.uniform(0.6, 1.6), rng.uniform(0.28, 0.4), rng.uniform(0.8, 2.0)
    o = Obj("shelf", W / 2, D / 2, H, cname, mat)
    t = 0.018
    for s in (-1, 1):
        o.add(BOX, (s * (W / 2 - t), 0, H / 2), (t, D / 2, H / 2), col, mat)
    o.add(BOX, (0, -D / 2 + 0.005, H / 2), (W / 2, 0.005, H / 2), col * 0.85, mat)
    n = max(2, int(H / rng.uniform(0.3, 0.42)))
    for k in range(n + 1):
        z = t + k * (H - 2 * t) / n
        o.add(BOX, (0, 0, z), (W / 2 - 0.01, D / 2, t), col, mat)
        if k < n and rng.random() < 0.8:  # books: part of the shelf instance
            x = -W / 2 + 0.05
            while x < W / 2 - 0.1:
                bw = rng.uniform(0.02, 0.05)
                bh = rng.uniform(0.15, min(0.3, (H - 2 * t) / n - 0.03))
                if rng.random() < 0.8:
                    o.add(BOX, (x + bw / 2, 0.0, z + t + bh / 2), (bw / 2, D / 2 - 0.04, bh / 2),
                          jitter(rng, COLOURS[str(rng.choice(COLOUR_NAMES))], 0.1), "plastic")
                x += bw + rng.uniform(0.0, 0.03)
    return o


def plant(rng):
    tall = rng.random() < 0.45
    o = Obj("plant", 0.3, 0.3, 1.0, "green", "plastic")
    pr = rng.uniform(0.1, 0.22)
    ph = rng.uniform(0.18, 0.4)
    pot = jitter(rng, [(0.72, 0.35, 0.2), (0.9, 0.9, 0.88), (0.1, 0.1, 0.1), (0.4, 0.45, 0.5)][rng.integers(4)])
    o.add(CYL, (0, 0, ph / 2), (pr, pr, ph / 2), pot, "plastic")
    leaf = np.array([0.12, 0.42, 0.12]) * rng.uniform(0.7, 1.3) + rng.normal(0, 0.03, 3)
    if tall:
        th = rng.uniform(0.6, 1.3)
        o.add(CYL, (0, 0, ph + th / 2), (0.02, 0.02, th / 2), (0.35, 0.25, 0.15), "wooden")
        top = ph + th
    else:
        top = ph + 0.1
    nl = int(rng.integers(3, 8))
    R = rng.uniform(0.15, 0.35)
    for _ in range(nl):
        c = (rng.normal(0, R * 0.5), rng.normal(0, R * 0.5), top + rng.uniform(-0.1, 0.25))
        r = rng.uniform(0.08, R)
        o.add(ELL, c, (r, r * rng.uniform(0.7, 1.2), r * rng.uniform(0.5, 1.0)),
              np.clip(leaf + rng.normal(0, 0.04, 3), 0, 1), "leaf")
    o.hw = o.hd = max(pr, R)
    o.height = top + 0.35
    return o


def rug(rng):
    cname, col = pick_colour(rng)
    W, D = rng.uniform(1.2, 2.6), rng.uniform(0.8, 2.0)
    o = Obj("rug", W / 2, D / 2, 0.012, cname, "fabric")
    col2 = jitter(rng, COLOURS[str(rng.choice(COLOUR_NAMES))])
    tex = {"kind": "stripes", "col2": col2, "freq": float(rng.uniform(4, 14)), "axis": int(rng.integers(2))}
    if rng.random() < 0.3:
        o.add(CYL, (0, 0, 0.006), (W / 2, W / 2, 0.006), col, "fabric", tex=tex)
        o.hd = o.hw
    else:
        o.add(BOX, (0, 0, 0.006), (W / 2, D / 2, 0.006), col, "fabric", tex=tex)
    return o


def box(rng):
    if rng.random() < 0.6:
        cname, col, mat = "brown", jitter(rng, (0.62, 0.45, 0.27), 0.04), "cardboard"
    else:
        cname, col = pick_colour(rng)
        mat = "plastic"
    W, D, H = rng.uniform(0.25, 0.6), rng.uniform(0.25, 0.5), rng.uniform(0.2, 0.5)
    o = Obj("box", W / 2, D / 2, H, cname, mat)
    o.add(BOX, (0, 0, H / 2), (W / 2, D / 2, H / 2), col, mat)
    if mat == "cardboard" and rng.random() < 0.7:  # tape strip
        o.add(BOX, (0, 0, H), (0.03, D / 2 + 0.001, 0.002), (0.75, 0.65, 0.45), "plastic")
    o.top = H
    return o


def cabinet(rng, small=False):
    mat = str(rng.choice(["wooden", "plastic"]))
    cname, col = pick_colour(rng, ["brown", "white", "grey", "black", "blue", "green"])
    if small:
        W, D, H = rng.uniform(0.4, 0.6), rng.uniform(0.35, 0.45), rng.uniform(0.45, 0.6)
    else:
        W, D, H = rng.uniform(0.8, 1.8), rng.uniform(0.4, 0.6), rng.uniform(0.45, 1.3)
    o = Obj("cabinet", W / 2, D / 2, H, cname, mat)
    leg = 0.06 if rng.random() < 0.5 else 0.0
    o.add(BOX, (0, 0, leg + (H - leg) / 2), (W / 2, D / 2 - 0.01, (H - leg) / 2), col, mat)
    if leg:
        box_legs(o, rng, W / 2, D / 2, leg, 0.02, (0.15, 0.15, 0.15), round_=True)
    nd = max(1, int(round(W / rng.uniform(0.4, 0.6))))
    dw = W / nd
    handle = jitter(rng, (0.7, 0.7, 0.72))
    drawers = rng.random() < 0.4
    for k in range(nd):
        cx = -W / 2 + dw * (k + 0.5)
        rows = 3 if drawers else 1
        rh = (H - leg) / rows
        for j in range(rows):
            cz = leg + rh * (j + 0.5)
            o.add(BOX, (cx, D / 2 - 0.005, cz), (dw / 2 - 0.008, 0.006, rh / 2 - 0.008), col * 1.04, mat)
            hz = cz if drawers else leg + (H - leg) * 0.7
            o.add(BOX, (cx + (0 if drawers else dw * 0.35), D / 2 + 0.01, hz), (0.05 if drawers else 0.01, 0.01,
                  0.01 if drawers else 0.06), handle, "metal")
    o.top = H
    return o


def trash_bin(rng):
    cname, col = pick_colour(rng, ["grey", "black", "white", "blue", "green", "red", "yellow"])
    mat = str(rng.choice(["metal", "plastic"]))
    r, H = rng.uniform(0.12, 0.2), rng.uniform(0.3, 0.55)
    o = Obj("trash bin", r, r, H, cname, mat)
    if rng.random() < 0.7:
        o.add(CYL, (0, 0, H / 2), (r, r, H / 2), col, mat)
        o.add(CYL, (0, 0, H + 0.01), (r * 1.03, r * 1.03, 0.012), col * 0.8, mat)
    else:
        o.add(BOX, (0, 0, H / 2), (r, r * 0.8, H / 2), col, mat)
    return o


def picture(rng):
    """Wall-hung: local y = out of the wall, origin at the wall surface bottom-centre."""
    W, H = rng.uniform(0.3, 1.2), rng.uniform(0.3, 0.9)
    o = Obj("picture", W / 2, 0.02, H, None, None)
    frame = jitter(rng, COLOURS[str(rng.choice(["black", "white", "brown", "yellow", "grey"]))], 0.04)
    o.add(BOX, (0, 0.012, H / 2), (W / 2, 0.012, H / 2), frame, "wooden")
    o.add(BOX, (0, 0.025, H / 2), (W / 2 - 0.04, 0.002, H / 2 - 0.04), (0.8, 0.8, 0.8), "plastic",
          tex={"kind": "art", "seed": int(rng.integers(1 << 30))})
    return o


def curtain(rng, height):
    cname, col = pick_colour(rng)
    W = rng.uniform(0.35, 0.8)
    o = Obj("curtain", W / 2, 0.05, height, cname, "fabric")
    o.add(BOX, (0, 0.04, height / 2), (W / 2, 0.035, height / 2), col, "fabric",
          tex={"kind": "folds", "freq": float(rng.uniform(25, 45))})
    return o


def door(rng, open_=False):
    cname, col = pick_colour(rng, ["white", "brown", "grey", "black", "blue", "green"])
    W, H = rng.uniform(0.8, 0.92), rng.uniform(2.0, 2.1)
    o = Obj("door", W / 2, 0.03, H, cname, "wooden")
    o.add(BOX, (0, 0.02, H / 2), (W / 2, 0.02, H / 2), col, "wooden", tex={"kind": "panel"})
    handle = jitter(rng, (0.75, 0.72, 0.6))
    o.add(CYL, (W / 2 - 0.09, 0.06, 1.0), (0.012, 0.012, 0.06), handle, "metal", rot_y(np.pi / 2))
    if not open_:  # frame / architrave, also labelled door
        fc = col * 0.95
        for s in (-1, 1):
            o.add(BOX, (s * (W / 2 + 0.04), 0.012, H / 2), (0.04, 0.012, H / 2 + 0.04), fc, "wooden")
        o.add(BOX, (0, 0.012, H + 0.04), (W / 2 + 0.08, 0.012, 0.04), fc, "wooden")
    return o


def window(rng, sill, H, W):
    o = Obj("window", W / 2, 0.03, H, "white", "plastic")
    fc = jitter(rng, COLOURS[str(rng.choice(["white", "white", "brown", "grey", "black"]))], 0.03)
    t = 0.05
    o.add(BOX, (0, 0.01, 0), (W / 2, 0.004, H / 2), (0.6, 0.75, 0.9), "glass",
          tex={"kind": "sky", "seed": int(rng.integers(1 << 30))})
    for s in (-1, 1):
        o.add(BOX, (s * (W / 2 - t / 2), 0.03, 0), (t / 2, 0.03, H / 2), fc, "plastic")
        o.add(BOX, (0, 0.03, s * (H / 2 - t / 2)), (W / 2, 0.03, t / 2), fc, "plastic")
    if W > 1.0 or rng.random() < 0.5:
        o.add(BOX, (0, 0.03, 0), (0.02, 0.025, H / 2), fc, "plastic")
    if rng.random() < 0.5:
        o.add(BOX, (0, 0.03, rng.uniform(-0.1, 0.2) * H), (W / 2, 0.025, 0.02), fc, "plastic")
    o.add(BOX, (0, 0.08, -H / 2 - 0.02), (W / 2 + 0.05, 0.08, 0.02), fc, "plastic")  # sill
    o.sill = sill
    return o


def clutter(rng):
    """Unlabelled (void) small things: toys, bottles, balls."""
    cname, col = pick_colour(rng)
    kind = rng.integers(3)
    s = rng.uniform(0.06, 0.18)
    o = Obj(None, s, s, 2 * s, None, None)
    if kind == 0:
        o.add(ELL, (0, 0, s), (s, s, s), col, "plastic")
    elif kind == 1:
        o.add(CYL, (0, 0, s), (s * 0.4, s * 0.4, s), col, "plastic")
    else:
        o.add(BOX, (0, 0, s * 0.5), (s, s * 0.7, s * 0.5), col, "plastic", tex={"kind": "art", "seed": int(rng.integers(1 << 30))})
    return o


BUILDERS = {
    "sofa": sofa, "armchair": armchair, "massage chair": massage_chair, "bean bag": bean_bag,
    "bed": bed, "table": table, "chair": chair, "lamp": lamp, "tv": tv, "shelf": shelf,
    "plant": plant, "rug": rug, "box": box, "cabinet": cabinet, "trash bin": trash_bin,
}
