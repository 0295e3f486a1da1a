/**
 * Level of detail for big maps, as Potree does: an octree whose nodes each hold a spatially even
 * subsample of the points (coarse near the root, finer below), and a per-frame choice of the nodes
 * that matter most on screen within a point budget.
 *
 * Built in one pass after sorting the points by Morton code on a 1024³ grid over the map's bounding
 * cube: a point's level is the first level at which it starts a new cell of that level's sampling
 * grid (2^(level + gridBits) cells per axis), so each level-L cell keeps exactly one point at level
 * ≤ L — a grid subsample, like Potree's. Points are then grouped by level and node (level L's node
 * is the octree cell of depth L), each node a contiguous range of the draw order.
 */

/** Sampling cells per node axis, as a power of two (2^7 = 128, Potree's usual spacing). */
const gridBits = 7
/** Morton bits per axis (1024³ cells over the bounding cube). */
const axisBits = 10
/** Deepest node level; points beyond it (same finest cell) form a last level of their own. */
const maxLevel = axisBits - gridBits

export interface OctreeNode {
  level: number
  /** Range in the draw order. */
  start: number
  count: number
  /** Centre and half size of the node's cube, world metres. */
  center: [number, number, number]
  halfSize: number
  /** Distance between this level's points, metres (the finest cells repeat the voxel size). */
  spacing: number
  /** Key of the cube (Morton prefix with a leading 1 bit), to find ancestors. */
  key: number
}

export interface PointOctree {
  /** Draw order → payload index. */
  order: Uint32Array<ArrayBuffer>
  nodes: OctreeNode[]
}

export function buildPointOctree(positions: Float32Array, count: number, voxelSizeMeters: number): PointOctree {
  if (count === 0) return { order: new Uint32Array(0), nodes: [] }
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      const v = positions[i * 3 + a]!
      if (v < min[a]!) min[a] = v
      if (v > max[a]!) max[a] = v
    }
  }
  const side = Math.max(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!, voxelSizeMeters) * 1.0001
  const cells = 1 << axisBits
  const codes = new Uint32Array(count)
  for (let i = 0; i < count; i++) {
    const q = (a: number): number => Math.min(cells - 1, Math.floor(((positions[i * 3 + a]! - min[a]!) / side) * cells))
    codes[i] = (spread(q(0)) << 2) | (spread(q(1)) << 1) | spread(q(2))
  }
  const sorted = radixSortIndices(codes)
  // Level of each point (in Morton order): the first level whose sampling cell it opens.
  const levels = new Uint8Array(count)
  const levelCounts = new Uint32Array(maxLevel + 2)
  for (let s = 0; s < count; s++) {
    let level = 0
    if (s > 0) {
      const diff = codes[sorted[s]!]! ^ codes[sorted[s - 1]!]!
      const commonGroups = diff === 0 ? axisBits : Math.floor((Math.clz32(diff) - 2) / 3)
      level = Math.min(maxLevel + 1, Math.max(0, commonGroups - gridBits + 1))
    }
    levels[s] = level
    levelCounts[level]!++
  }
  // Stable counting sort by level keeps Morton order inside a level, so each node is one run.
  const levelStart = new Uint32Array(maxLevel + 2)
  for (let l = 1; l <= maxLevel + 1; l++) levelStart[l] = levelStart[l - 1]! + levelCounts[l - 1]!
  const order = new Uint32Array(count)
  const fill = levelStart.slice()
  for (let s = 0; s < count; s++) order[fill[levels[s]!]!++] = sorted[s]!
  const nodes: OctreeNode[] = []
  for (let level = 0; level <= maxLevel + 1; level++) {
    const depth = Math.min(level, maxLevel)
    const shift = 3 * (axisBits - depth)
    const end = levelStart[level]! + levelCounts[level]!
    for (let s = levelStart[level]!; s < end;) {
      const prefix = depth === 0 ? 0 : codes[order[s]!]! >>> shift
      let e = s + 1
      while (e < end && (depth === 0 ? 0 : codes[order[e]!]! >>> shift) === prefix) e++
      const [x, y, z] = unspread3(prefix, depth)
      const halfSize = side / 2 ** (depth + 1)
      nodes.push({
        level,
        start: s,
        count: e - s,
        halfSize,
        key: prefix + 2 ** (3 * depth),
        center: [min[0]! + (2 * x + 1) * halfSize, min[1]! + (2 * y + 1) * halfSize, min[2]! + (2 * z + 1) * halfSize],
        spacing: level > maxLevel ? voxelSizeMeters : Math.max(voxelSizeMeters, side / 2 ** (level + gridBits)),
      })
      s = e
    }
  }
  return { order, nodes }
}

export interface NodeChoice {
  node: OctreeNode
  /** Splat size, metres: the spacing of the finest level chosen in the node's cube. */
  splatMeters: number
}

/**
 * The nodes to draw: inside the view frustum, largest on screen first (parents before their
 * children), until the point budget is spent; a node whose parent level is already finer than a
 * pixel there is not needed.
 */
export function chooseNodes(
  octree: PointOctree,
  viewProjection: ArrayLike<number>,
  eye: ArrayLike<number>,
  pixelsPerRadian: number,
  budget: number,
): NodeChoice[] {
  const planes = frustumPlanes(viewProjection)
  const candidates: Array<{ node: OctreeNode; priority: number }> = []
  for (const node of octree.nodes) {
    const radius = node.halfSize * Math.sqrt(3)
    if (planes.some((p) => p[0]! * node.center[0] + p[1]! * node.center[1] + p[2]! * node.center[2] + p[3]! < -radius))
      continue
    const distance = Math.max(
      1e-3,
      Math.hypot(node.center[0] - eye[0]!, node.center[1] - eye[1]!, node.center[2] - eye[2]!) - radius,
    )
    const parentSpacingPixels = (2 * node.spacing * pixelsPerRadian) / distance
    if (node.level > 0 && parentSpacingPixels < 1) continue
    candidates.push({ node, priority: node.halfSize / distance })
  }
  candidates.sort((a, b) => b.priority - a.priority || a.node.level - b.node.level)
  const chosen: OctreeNode[] = []
  let points = 0
  for (const { node } of candidates) {
    if (points + node.count > budget) continue
    chosen.push(node)
    points += node.count
  }
  // A cube's finest chosen level sets the splat size of every chosen node it contains.
  const finest = new Map<number, number>()
  for (const node of chosen) {
    for (let key = node.key; key >= 1; key = Math.floor(key / 8)) {
      if ((finest.get(key) ?? Infinity) > node.spacing) finest.set(key, node.spacing)
      if (key === 1) break
    }
  }
  return chosen.map((node) => ({ node, splatMeters: finest.get(node.key) ?? node.spacing }))
}

/** Spreads 10 bits so that two zero bits follow each (x → x00x00x…). */
function spread(v: number): number {
  let x = v & 0x3ff
  x = (x | (x << 16)) & 0x030000ff
  x = (x | (x << 8)) & 0x0300f00f
  x = (x | (x << 4)) & 0x030c30c3
  x = (x | (x << 2)) & 0x09249249
  return x
}

/** Cell coordinates (at `depth`) of a Morton prefix of `depth` 3-bit groups. */
function unspread3(prefix: number, depth: number): [number, number, number] {
  let x = 0,
    y = 0,
    z = 0
  for (let g = 0; g < depth; g++) {
    const bits = (prefix >>> (3 * g)) & 7
    x |= ((bits >> 2) & 1) << g
    y |= ((bits >> 1) & 1) << g
    z |= (bits & 1) << g
  }
  return [x, y, z]
}

/** Indices 0…n−1 sorted by their 30-bit keys (LSD radix sort, three 10-bit passes). */
function radixSortIndices(keys: Uint32Array): Uint32Array {
  const n = keys.length
  let from = new Uint32Array(n)
  let to = new Uint32Array(n)
  for (let i = 0; i < n; i++) from[i] = i
  const buckets = new Uint32Array(1024)
  for (let shift = 0; shift < 30; shift += 10) {
    buckets.fill(0)
    for (let i = 0; i < n; i++) buckets[(keys[from[i]!]! >>> shift) & 1023]!++
    for (let b = 0, sum = 0; b < 1024; b++) {
      const c = buckets[b]!
      buckets[b] = sum
      sum += c
    }
    for (let i = 0; i < n; i++) to[buckets[(keys[from[i]!]! >>> shift) & 1023]!++] = from[i]!
    ;[from, to] = [to, from]
  }
  return from
}

/** The six planes (a, b, c, d; inside where ax + by + cz + d ≥ 0, normalised) of a column-major view-projection. */
function frustumPlanes(m: ArrayLike<number>): number[][] {
  const row = (r: number): number[] => [m[r]!, m[4 + r]!, m[8 + r]!, m[12 + r]!]
  const [r0, r1, r2, r3] = [row(0), row(1), row(2), row(3)]
  return [
    r3.map((v, i) => v + r0[i]!),
    r3.map((v, i) => v - r0[i]!),
    r3.map((v, i) => v + r1[i]!),
    r3.map((v, i) => v - r1[i]!),
    r3.map((v, i) => v + r2[i]!),
    r3.map((v, i) => v - r2[i]!),
  ].map((p) => {
    const length = Math.hypot(p[0]!, p[1]!, p[2]!) || 1
    return p.map((v) => v / length)
  })
}
