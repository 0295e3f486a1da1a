import { describe, expect, it } from 'vitest'
import type { LabelClass, SessionManifest } from '../../../../src-main/contract'
import { labelFractions } from '../../../../src-main/services/query/label-fractions'

const [width, height] = [10, 10]

function session(labelClasses: LabelClass[] | undefined, frameCount = 3): SessionManifest {
  return {
    format: 'dve-session',
    version: 1,
    id: 'shelf-scan',
    name: 'shelf scan',
    createdAt: '2026-12-07T00:00:00Z',
    source: { format: 'synthetic', path: 'test' },
    camera: { width, height, fx: 10, fy: 10, cx: 5, cy: 5 },
    rgbSize: { width, height },
    depthUnitMeters: 0.001,
    depthInvalidValues: [0],
    hasPoses: false,
    labelClasses,
    frames: Array.from({ length: frameCount }, (_, i) => ({
      index: i,
      timestampSec: i / 10,
      sourceName: String(i),
      rgb: `rgb/${i}.png`,
      depth: `depth/${i}.png`,
      worldFromCamera: null,
    })),
  }
}

/** Frame i's labels: `pixels[i]` pixels of label id 1 (the rest 0), or no labels where undefined. */
function labelsWith(pixels: Array<number | undefined>) {
  return {
    loadLabels: async (_session: string, frame: number) => {
      const count = pixels[frame]
      if (count === undefined) return null
      return { width, height, data: Uint16Array.from({ length: width * height }, (_, p) => (p < count ? 1 : 0)) }
    },
  }
}

const classes = (name: string): LabelClass[] => [
  { id: 0, name: 'void', color: [0, 0, 0] },
  { id: 1, name, color: [200, 30, 30] },
]
const vocabulary = ['sofa', 'Trash Bin', 'lamp']

describe('labelFractions (what calibration compares the frames with)', () => {
  it('gives the share of each frame a vocabulary class covers, matching names without case', async () => {
    const fractions = await labelFractions(labelsWith([5, undefined, 50]), session(classes('trash bin')), vocabulary)
    expect([...fractions.keys()]).toEqual(['trash bin'])
    expect(fractions.get('trash bin')).toEqual([0.05, 0, 0.5])
  })

  it('refuses a session without label classes', async () => {
    await expect(labelFractions(labelsWith([5, 5, 5]), session(undefined), vocabulary)).rejects.toThrow(
      /"shelf-scan" has no label classes/,
    )
  })

  it('refuses, naming both sides, labels that share no class name with the pack', async () => {
    const refused = labelFractions(labelsWith([50, 50, 50]), session(classes('target object')), vocabulary)
    await expect(refused).rejects.toMatchObject({ code: 'unsupported' })
    await expect(refused).rejects.toThrow(/labelled "void", "target object", none of them a class of the pack \("sofa"/)
  })

  it('refuses labels whose shared classes never cover a percent of a frame', async () => {
    await expect(labelFractions(labelsWith([0, 0, 0]), session(classes('lamp')), vocabulary)).rejects.toThrow(
      /no labelled frame shows a class of the pack on at least 1 %/,
    )
  })
})
