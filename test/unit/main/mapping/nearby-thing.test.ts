import { describe, expect, it } from 'vitest'
import { colourWord, NearbyThings, type NearbyInput } from '../../../../src-main/services/mapping/nearby-thing'
import { seededRandom } from '../../../../src-main/services/seeded-random'

const labelClasses = [
  { id: 1, name: 'wall', color: [128, 128, 128] as [number, number, number] },
  { id: 2, name: 'chair', color: [200, 0, 0] as [number, number, number] },
  { id: 3, name: 'table', color: [0, 0, 200] as [number, number, number] },
  { id: 4, name: 'lamp', color: [200, 200, 0] as [number, number, number] },
]

/** The rule by reading every voxel: the nearest non-structural class with ≥ 20 voxels within 1.5 m. */
function everyVoxel(map: NearbyInput, point: [number, number, number], exclude: string | null): string | null {
  const perClass = new Map<number, { count: number; nearest: number; rgb: number[] }>()
  for (let i = 0; i < map.labels.length; i++) {
    const c = map.labelClasses.find((l) => l.id === map.labels[i])
    if (!c || c.name === 'wall' || c.name === exclude) continue
    const d2 = [0, 1, 2].reduce((s, a) => s + (map.positions[i * 3 + a]! - point[a]!) ** 2, 0)
    if (d2 > 1.5 * 1.5) continue
    const e = perClass.get(c.id) ?? { count: 0, nearest: Infinity, rgb: [0, 0, 0] }
    e.count++
    e.nearest = Math.min(e.nearest, d2)
    for (let ch = 0; ch < 3; ch++) e.rgb[ch]! += map.colors[i * 4 + ch]!
    perClass.set(c.id, e)
  }
  const best = [...perClass.entries()].filter(([, e]) => e.count >= 20).sort((a, b) => a[1].nearest - b[1].nearest)[0]
  if (!best) return null
  const colour = colourWord(best[1].rgb.map((v) => v / best[1].count) as [number, number, number])
  return `the ${colour ? `${colour} ` : ''}${labelClasses.find((c) => c.id === best[0])!.name}`
}

describe('nearby things (bucketed once per map)', () => {
  it('names the same thing as reading every voxel, for points all over a 12 m map', () => {
    const random = seededRandom(4)
    const n = 20_000
    const positions = new Float32Array(n * 3)
    const labels = new Uint16Array(n)
    const colors = new Uint8Array(n * 4)
    // Things as blobs of one class and colour, walls everywhere.
    const blobs = Array.from({ length: 40 }, () => ({
      centre: [random() * 12, random() * 12, random() * 3],
      label: 2 + Math.floor(random() * 3),
      rgb: [random() * 255, random() * 255, random() * 255],
    }))
    for (let i = 0; i < n; i++) {
      const blob = blobs[i % blobs.length]!
      const wall = i % 3 === 0
      for (let a = 0; a < 3; a++)
        positions[i * 3 + a] = wall ? random() * (a < 2 ? 12 : 3) : blob.centre[a]! + (random() - 0.5) * 0.8
      labels[i] = wall ? 1 : i % 97 === 0 ? 0 : blob.label
      for (let c = 0; c < 3; c++) colors[i * 4 + c] = blob.rgb[c]!
    }
    const map: NearbyInput = { positions, colors, labels, labelClasses }
    const things = new NearbyThings(map)
    let named = 0
    for (let q = 0; q < 60; q++) {
      const point: [number, number, number] = [random() * 13 - 0.5, random() * 13 - 0.5, random() * 3]
      const exclude = q % 4 === 0 ? 'chair' : null
      const want = everyVoxel(map, point, exclude)
      expect(things.near(point, exclude)).toBe(want)
      if (want) named++
    }
    expect(named).toBeGreaterThan(10)
  })

  it('names nothing in a map without recognised things', () => {
    const map = {
      positions: new Float32Array(300),
      colors: new Uint8Array(400),
      labels: new Uint16Array(100),
      labelClasses,
    }
    expect(new NearbyThings(map).near([0, 0, 0], null)).toBeNull()
  })
})
