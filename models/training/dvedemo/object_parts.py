"""The parts kit every object builder uses: rotations, the Obj container of posed primitives,
per-instance colour jitter and table/chair legs.

Parts are (kind, centre, size, R_local, albedo, material, tex) in the object frame (see objects).
"""
import numpy as np

from .raycast import BOX, CYL
from .vocab import COLOURS, COLOUR_NAMES

I3 = np.eye(3)


def rot_x(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


class Obj:
    def __init__(self, cls, hw, hd, height, colour=None, material=None):
        self.cls = cls
        self.hw, self.hd, self.height = hw, hd, height  # footprint half extents, total height
        self.colour, self.material = colour, material   # attribute names (teacher uses them)
        self.parts = []
        self.top = None  # height of a supporting top surface (tables/cabinets), if any

    def add(self, kind, c, size, albedo, material="plastic", R=I3, tex=None):
        self.parts.append((kind, np.asarray(c, float), np.asarray(size, float), R,
                           np.clip(np.asarray(albedo, float), 0, 1), material, tex or {}))
        return self


def jitter(rng, rgb, amount=0.06):
    """Per-instance shade variation around a named colour (keeps the attribute recognisable)."""
    return np.clip(np.asarray(rgb) * rng.uniform(0.85, 1.1) + rng.normal(0, amount / 2, 3), 0, 1)


def pick_colour(rng, allowed=None):
    name = rng.choice(allowed or COLOUR_NAMES)
    return str(name), jitter(rng, COLOURS[name])


def box_legs(o, rng, hw, hd, h, r, albedo, inset=0.04, round_=None):
    round_ = rng.random() < 0.5 if round_ is None else round_
    for sx in (-1, 1):
        for sy in (-1, 1):
            c = (sx * (hw - inset - r), sy * (hd - inset - r), h / 2)
            if round_:
                o.add(CYL, c, (r, r, h / 2), albedo, "metal")
            else:
                o.add(BOX, c, (r, r, h / 2), albedo, "wooden")
