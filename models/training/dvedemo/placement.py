"""Furniture placement by rejection sampling: axis-aligned footprints that must stay inside the room,
clear of other footprints and keep-out zones; wall objects also reserve a span of their wall.
"""
import numpy as np

WALL_T = 0.05


def footprint(x, y, hw, hd, yaw):
    c, s = abs(np.cos(yaw)), abs(np.sin(yaw))
    ex, ey = c * hw + s * hd, s * hw + c * hd
    return (x - ex, y - ey, x + ex, y + ey)


def footprint_free(room, fp, margin=0.02):
    if fp[0] < room.x0 + WALL_T - 1e-6 or fp[2] > room.x1 - WALL_T + 1e-6:
        return False
    if fp[1] < room.y0 + WALL_T - 1e-6 or fp[3] > room.y1 - WALL_T + 1e-6:
        return False
    for b in room.boxes + room.keepout:
        if fp[0] < b[2] + margin and fp[2] > b[0] - margin and fp[1] < b[3] + margin and fp[3] > b[1] - margin:
            return False
    return True


def wall_span_free(room, w, u0, u1, tall):
    for a, b, tall_only in room.wall_res[w]:
        if u0 < b and u1 > a and (tall or not tall_only):
            return False
    return True


def place_against_wall(scene, room, rng, o, tries=30, tall=None, z=0.0):
    tall = o.height > 0.85 if tall is None else tall
    for _ in range(tries):
        w = int(rng.integers(4))
        org, udir, nrm, length, yaw = room.wall_frame(w)
        if length < 2 * o.hw + 0.2:
            continue
        u = rng.uniform(o.hw + WALL_T + 0.02, length - o.hw - WALL_T - 0.02)
        if not wall_span_free(room, w, u - o.hw, u + o.hw, tall):
            continue
        p = org + udir * u + nrm * (WALL_T + o.hd + 0.01)
        fp = footprint(p[0], p[1], o.hw, o.hd, yaw)
        if not footprint_free(room, fp):
            continue
        room.boxes.append(fp)
        room.wall_res[w].append((u - o.hw, u + o.hw, False))
        return scene.add_obj(o, p[0], p[1], z, yaw), (p, yaw, w)
    return None, None


def place_free(scene, room, rng, o, centre=None, spread=1.0, yaw=None, tries=40, register=True):
    for _ in range(tries):
        if centre is None:
            x = rng.uniform(room.x0 + 0.3, room.x1 - 0.3)
            y = rng.uniform(room.y0 + 0.3, room.y1 - 0.3)
        else:
            x, y = centre[0] + rng.normal(0, spread), centre[1] + rng.normal(0, spread)
        a = rng.uniform(-np.pi, np.pi) if yaw is None else yaw
        fp = footprint(x, y, o.hw, o.hd, a)
        if not footprint_free(room, fp) if register else not inside_room(room, fp):
            continue
        if register:
            room.boxes.append(fp)
        return scene.add_obj(o, x, y, 0.0, a), (np.array([x, y]), a)
    return None, None


def inside_room(room, fp):
    return (fp[0] > room.x0 + WALL_T and fp[2] < room.x1 - WALL_T and fp[1] > room.y0 + WALL_T
            and fp[3] < room.y1 - WALL_T)
