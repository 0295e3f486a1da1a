import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decode } from 'fast-png'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ClassDef } from '../../../../src-main/contract'
import { applyRuns, countPixels, LabelStore, type LabelMask } from '../../../../src-main/services/classes/label-store'

const classes: ClassDef[] = [
  { name: 'sofa', color: [230, 159, 0], prompts: [], hotkey: 1 },
  { name: 'floor', color: [86, 180, 233], prompts: [], hotkey: 2 },
]

function stroke(runs: number[]) {
  return (current: LabelMask | null): LabelMask => {
    const mask = current ?? { width: 8, height: 4, data: new Uint16Array(32) }
    applyRuns(mask, runs, classes.length, 'test')
    return mask
  }
}

describe('label store', () => {
  it('writes 8-bit index PNGs and a class table, and reads them back in a new store', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dve-labels-'))
    await new LabelStore(root).update('s1', 'set', 3, classes, stroke([0, 5, 1, 8, 8, 2]))
    const reloaded = await new LabelStore(root).read('s1', 'set', 3)
    expect(reloaded && countPixels(reloaded, 2)).toEqual([5, 8])
    const png = decode(readFileSync(join(root, 's1', 'set', '000003.png')))
    expect([png.depth, png.channels, png.width, png.height]).toEqual([8, 1, 8, 4])
    const table = JSON.parse(readFileSync(join(root, 's1', 'set', 'classes.json'), 'utf8')) as {
      classes: Array<{ id: number; name: string }>
    }
    expect(table.classes.map((c) => `${c.id}:${c.name}`)).toEqual(['0:unlabelled', '1:sofa', '2:floor'])
    expect(await new LabelStore(root).frames('s1', 'set')).toEqual([3])
    expect(await new LabelStore(root).sessions('set')).toEqual(['s1'])
  })

  it('rewrites the class table only when the classes change, and remembers which classes a mask holds', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dve-labels-'))
    const store = new LabelStore(root)
    const tablePath = join(root, 's1', 'set', 'classes.json')
    await store.update('s1', 'set', 0, classes, stroke([0, 5, 1]))
    const written = statSync(tablePath).ino
    await store.update('s1', 'set', 0, classes, stroke([8, 4, 2]))
    expect(statSync(tablePath).ino).toBe(written) // same classes: the file is left alone
    const renamed = [{ ...classes[0], name: 'couch' }, classes[1]] as ClassDef[]
    await store.update('s1', 'set', 0, renamed, stroke([8, 4, 2]))
    expect(readFileSync(tablePath, 'utf8')).toContain('"couch"')
    // Both classes are in the mask; a store opened afterwards reads the same from the file.
    expect(await store.labelledValues('s1', 'set', 0)).toEqual([1, 2])
    expect(await new LabelStore(root).labelledValues('s1', 'set', 0)).toEqual([1, 2])
    await store.update('s1', 'set', 0, classes, stroke([8, 4, 0]))
    expect(await store.labelledValues('s1', 'set', 0)).toEqual([1])
    expect(await store.labelledValues('s1', 'set', 7)).toEqual([])
  })

  it('applies concurrent strokes of one frame in order without losing either', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dve-labels-'))
    const store = new LabelStore(root)
    await Promise.all([
      store.update('s', 'set', 0, classes, stroke([0, 4, 1])),
      store.update('s', 'set', 0, classes, stroke([8, 4, 2])),
      store.update('s', 'set', 0, classes, stroke([2, 1, 0])),
    ])
    const mask = await new LabelStore(root).read('s', 'set', 0)
    expect(Array.from(mask?.data.subarray(0, 12) ?? [])).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 2, 2, 2, 2])
  })

  it('keeps the last complete mask when a save dies half-way, and leaves no temporary files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dve-labels-'))
    const store = new LabelStore(root)
    await store.update('s', 'set', 1, classes, stroke([0, 3, 2]))
    // A crash mid-write leaves only a temporary file beside the mask; readers never see it.
    writeFileSync(join(root, 's', 'set', '.000001.png.tmp-999-0'), Buffer.from([0x89, 0x50, 0x4e]))
    const mask = await new LabelStore(root).read('s', 'set', 1)
    expect(mask && countPixels(mask, 2)).toEqual([0, 3])
    await store.update('s', 'set', 1, classes, stroke([3, 1, 1]))
    const names = readdirSync(join(root, 's', 'set'))
    expect(names.filter((n) => n.includes('.tmp-') && !n.includes('-999-'))).toEqual([])
    expect(await store.frames('s', 'set')).toEqual([1])
  })

  it('deletes the mask when a stroke erases every label', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dve-labels-'))
    const store = new LabelStore(root)
    await store.update('s', 'set', 2, classes, stroke([0, 3, 1]))
    await store.update('s', 'set', 2, classes, stroke([0, 3, 0]))
    expect(await store.read('s', 'set', 2)).toBeNull()
    expect(await store.frames('s', 'set')).toEqual([])
  })

  it('writes 16-bit masks for class sets beyond 254 classes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dve-labels-'))
    const many: ClassDef[] = Array.from({ length: 300 }, (_, k) => ({
      name: `c${k}`,
      color: [0, 0, 0],
      prompts: [],
      hotkey: null,
    }))
    await new LabelStore(root).update('s', 'big', 0, many, (current) => {
      const mask = current ?? { width: 8, height: 4, data: new Uint16Array(32) }
      applyRuns(mask, [0, 2, 300, 2, 1, 256], many.length, 'test')
      return mask
    })
    expect(decode(readFileSync(join(root, 's', 'big', '000000.png'))).depth).toBe(16)
    const mask = await new LabelStore(root).read('s', 'big', 0)
    expect(Array.from(mask?.data.subarray(0, 4) ?? [])).toEqual([300, 300, 256, 0])
  })

  it('refuses label values beyond the class set and runs past the mask', () => {
    const mask: LabelMask = { width: 2, height: 2, data: new Uint16Array(4) }
    expect(() => applyRuns(mask, [0, 1, 3], 2, 'frame 0')).toThrow(/label value 3 but the class set has 2 classes/)
    expect(() => applyRuns(mask, [3, 2, 1], 2, 'frame 0')).toThrow(/runs past the 2×2 mask/)
  })
})
