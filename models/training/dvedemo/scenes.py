"""Rooms and apartments: walls with doorways, doors, windows, curtains, furniture placement.

An apartment is a row of rooms along world x (z is up, floor at z = 0). Neighbouring rooms share
a wall with a doorway so a camera path can walk through. Each room gets a type (living, bedroom,
office, storage) that decides which furniture it gets. Placement is rejection sampling of
footprints (axis-aligned boxes; wall objects face into the room).
"""
import numpy as np

from . import objects as ob
from .object_parts import Obj, jitter, rot_z
from .placement import WALL_T, footprint, footprint_free, place_against_wall, place_free, wall_span_free
from .raycast import BOX, Prim
from .vocab import CLASS_ID

STUFF = ("wall", "floor", "ceiling")

WALL_COLOURS = [(0.9, 0.89, 0.85), (0.85, 0.82, 0.74), (0.78, 0.8, 0.82), (0.72, 0.8, 0.86),
                (0.76, 0.84, 0.74), (0.88, 0.76, 0.68), (0.93, 0.93, 0.93), (0.7, 0.68, 0.66)]
FLOOR_LOOKS = [((0.55, 0.38, 0.22), "planks"), ((0.7, 0.55, 0.38), "planks"), ((0.35, 0.24, 0.16), "planks"),
               ((0.75, 0.75, 0.72), "tiles"), ((0.45, 0.45, 0.47), "tiles"), ((0.5, 0.42, 0.36), "plain"),
               ((0.62, 0.6, 0.55), "plain")]

ROOM_TYPES = {
    # class: (probability of at least one, max count)
    "living": {"sofa": (0.9, 1), "armchair": (0.6, 2), "massage chair": (0.3, 1), "bean bag": (0.35, 2),
               "coffee": (0.8, 1), "tvset": (0.75, 1), "shelf": (0.6, 2), "plant": (0.7, 3), "rug": (0.6, 1),
               "lamp": (0.6, 2), "trash bin": (0.3, 1), "box": (0.2, 2), "cabinet": (0.3, 1)},
    "bedroom": {"bed": (1.0, 1), "nightstand": (0.8, 2), "shelf": (0.5, 1), "chair": (0.4, 1),
                "plant": (0.5, 2), "rug": (0.5, 1), "armchair": (0.3, 1), "tvset": (0.3, 1),
                "box": (0.4, 3), "lamp": (0.4, 1), "cabinet": (0.5, 1), "trash bin": (0.3, 1),
                "bean bag": (0.2, 1)},
    "office": {"dining": (1.0, 1), "shelf": (0.8, 2), "cabinet": (0.6, 2), "lamp": (0.5, 1),
               "plant": (0.6, 2), "trash bin": (0.6, 1), "box": (0.5, 4), "armchair": (0.3, 1),
               "massage chair": (0.15, 1), "sofa": (0.2, 1), "rug": (0.3, 1), "chair": (0.3, 2)},
    "storage": {"box": (1.0, 8), "shelf": (0.8, 3), "cabinet": (0.6, 2), "bean bag": (0.3, 1),
                "plant": (0.3, 1), "trash bin": (0.5, 2), "chair": (0.4, 2), "massage chair": (0.2, 1),
                "lamp": (0.3, 1), "table": (0.3, 1)},
}


class Room:
    def __init__(self, x0, x1, y0, y1, H, kind):
        self.x0, self.x1, self.y0, self.y1, self.H, self.kind = x0, x1, y0, y1, H, kind
        self.boxes = []      # placed footprints (xmin, ymin, xmax, ymax)
        self.wall_res = {0: [], 1: [], 2: [], 3: []}   # reserved intervals per wall (u0, u1, tall_only)
        self.openings = []   # (wall, u_centre, width)
        self.keepout = []    # corridors in front of doorways / doors: no furniture, camera may pass

    # walls: 0 = y0 (faces +y), 1 = x1 (faces -x), 2 = y1 (faces -y), 3 = x0 (faces +x)
    def wall_frame(self, w):
        """Origin of the wall's u axis, u direction, inward normal, length, yaw facing inward."""
        if w == 0:
            return np.array([self.x0, self.y0]), np.array([1.0, 0]), np.array([0, 1.0]), self.x1 - self.x0, 0.0
        if w == 1:
            return np.array([self.x1, self.y0]), np.array([0, 1.0]), np.array([-1.0, 0]), self.y1 - self.y0, np.pi / 2
        if w == 2:
            return np.array([self.x1, self.y1]), np.array([-1.0, 0]), np.array([0, -1.0]), self.x1 - self.x0, np.pi
        return np.array([self.x0, self.y1]), np.array([0, -1.0]), np.array([1.0, 0]), self.y1 - self.y0, -np.pi / 2


class Scene:
    def __init__(self):
        self.prims = []
        self.instances = {}   # inst_id -> dict(cls, class_id, colour, material, stuff)
        self.rooms = []
        self.lights = []      # (position, intensity)
        self._next = 1

    def new_instance(self, cls, colour=None, material=None):
        iid = self._next
        self._next += 1
        self.instances[iid] = {"cls": cls, "class_id": CLASS_ID[cls] if cls else 0,
                               "colour": colour, "material": material, "stuff": cls in STUFF}
        return iid

    def add_obj(self, o, x, y, z, yaw):
        iid = self.new_instance(o.cls, o.colour, o.material)
        Rw = rot_z(yaw)
        pos = np.array([x, y, z])
        for kind, c, size, Rl, alb, mat, tex in o.parts:
            self.prims.append(Prim(kind, Rw @ Rl, pos + Rw @ c, size, CLASS_ID[o.cls] if o.cls else 0,
                                   iid, alb, mat, tex))
        return iid

    def add_box(self, cls, iid, lo, hi, albedo, material, tex=None):
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        self.prims.append(Prim(BOX, np.eye(3), (lo + hi) / 2, (hi - lo) / 2, CLASS_ID[cls], iid,
                               albedo, material, tex or {}))


def build_shell(scene, room, rng, outer_walls):
    """Floor, ceiling and walls (with doorway openings already recorded in room.openings)."""
    fcol, flook = FLOOR_LOOKS[rng.integers(len(FLOOR_LOOKS))]
    fcol = jitter(rng, fcol, 0.03)
    fid = scene.new_instance("floor")
    tex = {"kind": flook, "freq": float(rng.uniform(5, 9)), "axis": int(rng.integers(2))}
    scene.add_box("floor", fid, (room.x0, room.y0, -0.05), (room.x1, room.y1, 0.0), fcol, "wooden", tex)
    cid = scene.new_instance("ceiling")
    scene.add_box("ceiling", cid, (room.x0, room.y0, room.H), (room.x1, room.y1, room.H + 0.05),
                  jitter(rng, (0.93, 0.93, 0.91), 0.02), "plain")
    wcol = jitter(rng, WALL_COLOURS[rng.integers(len(WALL_COLOURS))], 0.02)
    for w in range(4):
        org, udir, nrm, length, yaw = room.wall_frame(w)
        wid = scene.new_instance("wall")
        cuts = sorted([(u - wd / 2, u + wd / 2) for ww, u, wd in room.openings if ww == w])
        segs, start = [], 0.0
        for a, b in cuts:
            segs.append((start, a, 0.0, room.H))
            segs.append((a, b, 2.1, room.H))  # lintel
            start = b
        segs.append((start, length, 0.0, room.H))
        for a, b, z0, z1 in segs:
            if b - a < 1e-3:
                continue
            p0 = org + udir * a
            p1 = org + udir * b + nrm * WALL_T
            lo = np.minimum(p0, p1)
            hi = np.maximum(p0, p1)
            scene.add_box("wall", wid, (lo[0], lo[1], z0), (hi[0], hi[1], z1), wcol, "plain")
        for a, b in cuts:  # doorway reveals: short side faces so the opening looks like a hole
            for u in (a, b):
                p = org + udir * u
                lo = np.minimum(p - udir * 0.005, p + nrm * WALL_T + udir * 0.005)
                hi = np.maximum(p - udir * 0.005, p + nrm * WALL_T + udir * 0.005)
                scene.add_box("wall", wid, (lo[0], lo[1], 0), (hi[0], hi[1], 2.1), wcol, "plain")
    # Openings: keep a free corridor in front of them.
    for w, u, wd in room.openings:
        org, udir, nrm, length, yaw = room.wall_frame(w)
        room.wall_res[w].append((u - wd / 2 - 0.15, u + wd / 2 + 0.15, False))
        a = org + udir * (u - wd / 2 - 0.1)
        b = org + udir * (u + wd / 2 + 0.1) + nrm * 0.9
        room.keepout.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
    # Doors and windows on outer walls.
    for w in outer_walls:
        org, udir, nrm, length, yaw = room.wall_frame(w)
        if rng.random() < 0.45 and length > 1.6:
            d = ob.door(rng)
            u = rng.uniform(0.6, length - 0.6)
            if wall_span_free(room, w, u - 0.6, u + 0.6, False):
                p = org + udir * u + nrm * WALL_T
                scene.add_obj(d, p[0], p[1], 0.0, yaw)
                room.wall_res[w].append((u - 0.6, u + 0.6, False))
                a = org + udir * (u - 0.5)
                b = org + udir * (u + 0.5) + nrm * 0.7
                room.keepout.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
        nwin = int(rng.integers(0, 3)) if length > 2.0 else 0
        for _ in range(nwin):
            W = rng.uniform(0.7, min(2.0, length - 1.0))
            sill = rng.uniform(0.6, 1.0)
            Hh = min(room.H - sill - 0.25, rng.uniform(1.0, 1.5))
            u = rng.uniform(W / 2 + 0.3, length - W / 2 - 0.3)
            curtains = rng.random() < 0.5
            span = W / 2 + (0.7 if curtains else 0.1)
            if not wall_span_free(room, w, u - span, u + span, True):
                continue
            win = ob.window(rng, sill, Hh, W)
            p = org + udir * u + nrm * WALL_T
            scene.add_obj(win, p[0], p[1], sill + Hh / 2, yaw)
            room.wall_res[w].append((u - span, u + span, True))
            if curtains:
                ch = min(room.H - 0.1, sill + Hh + 0.2)
                for s in (-1, 1):
                    c = ob.curtain(rng, ch - 0.05)
                    pc = org + udir * (u + s * (W / 2 + c.hw - 0.05)) + nrm * WALL_T
                    scene.add_obj(c, pc[0], pc[1], 0.05, yaw)


def furnish(scene, room, rng, required=()):
    """The room type's random furniture; `required` names (a scene plan's) are always placed
    and not drawn again. Without them the random draws are exactly those of earlier versions."""
    spec = ROOM_TYPES[room.kind]
    wants = list(required)
    for name, (p, nmax) in spec.items():
        if name in required:
            continue
        if rng.random() < p:
            wants += [name] * int(rng.integers(1, nmax + 1))
    order = {"bed": 0, "sofa": 1, "dining": 2, "tvset": 3, "massage chair": 4, "shelf": 5, "cabinet": 6}
    wants.sort(key=lambda n: (n not in required, order.get(n, 10)))  # required ones get space first
    sofa_at = None
    for name in wants:
        if name in ("sofa", "bed", "shelf", "cabinet", "massage chair"):
            o = ob.BUILDERS[name](rng)
            iid, pose = place_against_wall(scene, room, rng, o)
            if iid and name == "sofa":
                sofa_at = pose
            if iid and name == "cabinet" and o.top and o.top < 1.0 and rng.random() < 0.5:
                _on_top(scene, rng, ob.lamp(rng, small=True) if rng.random() < 0.5 else ob.plant(rng), pose, o.top)
        elif name == "nightstand":
            o = ob.cabinet(rng, small=True)
            iid, pose = place_against_wall(scene, room, rng, o)
            if iid and rng.random() < 0.7:
                _on_top(scene, rng, ob.lamp(rng, small=True), pose, o.top)
        elif name == "tvset":
            if rng.random() < 0.7:
                o = ob.cabinet(rng)
                o.height = min(o.height, 0.6)
                iid, pose = place_against_wall(scene, room, rng, o, tall=False)
                if iid:
                    _on_top(scene, rng, ob.tv(rng), pose, o.top, back=True)
            else:  # wall-mounted
                t = ob.tv(rng)
                t.parts = t.parts[2:]
                iid, pose = place_against_wall(scene, room, rng, t, tall=False, z=rng.uniform(0.9, 1.3))
        elif name in ("coffee", "dining", "table"):
            kind = {"coffee": "coffee", "dining": None, "table": None}[name]
            o = ob.table(rng, kind)
            if name == "coffee" and sofa_at is not None:
                p, yaw, _ = sofa_at
                ctr = p + np.array([-np.sin(yaw), np.cos(yaw)]) * 1.1
                if rng.random() < 0.6:
                    r = ob.rug(rng)
                    place_free(scene, room, rng, r, centre=ctr, spread=0.05, yaw=yaw, register=False)
                iid, pose = place_free(scene, room, rng, o, centre=ctr, spread=0.1, yaw=yaw)
            else:
                iid, pose = place_free(scene, room, rng, o, yaw=rng.choice([0, np.pi / 2]) + rng.normal(0, 0.1))
                if iid and name == "dining":
                    _chairs_around(scene, room, rng, o, pose)
            if iid and rng.random() < 0.4:
                _on_top(scene, rng, ob.clutter(rng) if rng.random() < 0.6 else ob.plant(rng) if rng.random() < 0.5
                        else ob.lamp(rng, small=True), (np.array(pose[0]), pose[1], None), o.top, jitter=0.2)
        elif name == "rug":
            place_free(scene, room, rng, ob.rug(rng), register=False)
        elif name == "box":
            o = ob.box(rng)
            if rng.random() < 0.5:
                iid, pose = place_against_wall(scene, room, rng, o, tall=False)
            else:
                iid, pose0 = place_free(scene, room, rng, o)
                pose = None if iid is None else (pose0[0], pose0[1], None)
            if iid and rng.random() < 0.35:
                _on_top(scene, rng, ob.box(rng), pose, o.top)
        elif name in ("plant", "lamp", "trash bin"):
            o = ob.BUILDERS[name](rng)
            if rng.random() < 0.6:
                place_against_wall(scene, room, rng, o, tall=False)
            else:
                place_free(scene, room, rng, o)
        else:  # armchair, bean bag, chair: free-standing, random yaw, or near the sofa
            o = ob.BUILDERS[name](rng)
            if rng.random() < 0.5:
                place_against_wall(scene, room, rng, o)
            else:
                place_free(scene, room, rng, o)
    # pictures on walls
    for _ in range(int(rng.integers(0, 4))):
        pic = ob.picture(rng)
        for _t in range(15):
            w = int(rng.integers(4))
            org, udir, nrm, length, yaw = room.wall_frame(w)
            if length < 2 * pic.hw + 0.4:
                continue
            u = rng.uniform(pic.hw + 0.2, length - pic.hw - 0.2)
            if not wall_span_free(room, w, u - pic.hw, u + pic.hw, True):
                continue
            p = org + udir * u + nrm * WALL_T
            scene.add_obj(pic, p[0], p[1], rng.uniform(1.2, 1.6), yaw)
            room.wall_res[w].append((u - pic.hw, u + pic.hw, True))
            break
    for _ in range(int(rng.integers(0, 4))):
        place_free(scene, room, rng, ob.clutter(rng))


def _on_top(scene, rng, o, pose, top, back=False, jitter=0.0):
    p, yaw = pose[0], pose[1]
    off = np.array([rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)]) if jitter else np.zeros(2)
    if back:  # against the wall behind the support
        off = np.array([np.sin(yaw), -np.cos(yaw)]) * 0.05
    scene.add_obj(o, p[0] + off[0], p[1] + off[1], top, yaw)


def _chairs_around(scene, room, rng, tab, pose):
    ctr, yaw = pose
    n = int(rng.integers(2, 5))
    cols = [ob.chair(rng)]
    for k in range(n):
        c = ob.chair(rng) if rng.random() < 0.3 else _copy_chair(cols[0])
        side = [0, np.pi, np.pi / 2, -np.pi / 2][k % 4]
        dist = (tab.hd if k % 4 < 2 else tab.hw) + 0.25
        a = yaw + side
        d = np.array([-np.sin(a), np.cos(a)])
        p = ctr + d * dist + rng.normal(0, 0.04, 2)
        cy = a + np.pi + rng.normal(0, 0.15)  # face the table
        fp = footprint(p[0], p[1], c.hw, c.hd, cy)
        if footprint_free(room, fp, margin=0.0):
            room.boxes.append(fp)
            scene.add_obj(c, p[0], p[1], 0.0, cy)


def _copy_chair(c):
    d = Obj(c.cls, c.hw, c.hd, c.height, c.colour, c.material)
    d.parts = list(c.parts)
    return d


def make_apartment(seed, n_rooms=None, kinds=None, required=None):
    """A row of rooms along x with doorways between neighbours. Deterministic for a seed.
    required: per room, furniture names furnish() must place (recording_plan)."""
    rng = np.random.default_rng(seed)
    scene = Scene()
    n = n_rooms or int(rng.integers(1, 4))
    H = rng.uniform(2.45, 2.9)
    L = rng.uniform(3.2, 5.5)
    x = 0.0
    for i in range(n):
        W = rng.uniform(3.0, 5.5)
        kind = kinds[i] if kinds else str(rng.choice(list(ROOM_TYPES), p=[0.4, 0.25, 0.2, 0.15]))
        scene.rooms.append(Room(x, x + W, 0.0, L, H, kind))
        x += W
    for i in range(n - 1):
        u = rng.uniform(0.8, L - 0.8)
        # room i's wall 1 runs y0 -> y1; room i+1's wall 3 runs y1 -> y0
        scene.rooms[i].openings.append((1, u, 0.95))
        scene.rooms[i + 1].openings.append((3, L - u, 0.95))
    for i, room in enumerate(scene.rooms):
        outer = [0, 2] + ([3] if i == 0 else []) + ([1] if i == n - 1 else [])
        build_shell(scene, room, rng, outer)
        furnish(scene, room, rng, required[i] if required else ())
        cx, cy = (room.x0 + room.x1) / 2, (room.y0 + room.y1) / 2
        for _ in range(int(rng.integers(1, 3))):
            pos = np.array([rng.uniform(room.x0 + 0.5, room.x1 - 0.5), rng.uniform(room.y0 + 0.5, room.y1 - 0.5),
                            H - 0.3])
            scene.lights.append((pos, rng.uniform(0.6, 1.2)))
        scene.lights.append((np.array([cx, cy, H - 0.1]), 0.4))
    return scene


def room_of(scene, x, y):
    for r in scene.rooms:
        if r.x0 <= x <= r.x1 and r.y0 <= y <= r.y1:
            return r
    return None


def is_free_point(scene, x, y, margin=0.3):
    r = room_of(scene, x, y)
    if r is None:
        return False
    if x < r.x0 + margin or x > r.x1 - margin or y < r.y0 + margin or y > r.y1 - margin:
        return False
    for b in r.boxes:
        if b[0] - margin < x < b[2] + margin and b[1] - margin < y < b[3] + margin:
            return False
    return True
