import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ActiveModelPack, ModelPackProvider } from '../../../../src-main/services/ports'
import { readNpyFloat32 } from '../../../../src-main/services/segmentation/npy-float32'
import { PackClassSets } from '../../../../src-main/services/segmentation/pack-class-sets'

/** np.save of a float32 C-order array (format 1.0, header padded to 64 bytes). */
function npy(shape: number[], values: number[], descr = '<f4'): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n'
  const prefix = Buffer.alloc(10)
  prefix.write('\x93NUMPY', 0, 'latin1')
  prefix[6] = 1
  prefix.writeUInt16LE(header.length, 8)
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(new Float32Array(values).buffer)])
}

function packWith(classSet: object, files: Record<string, Buffer>): { packs: ModelPackProvider; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dve-pack-'))
  mkdirSync(join(dir, 'classes'))
  writeFileSync(join(dir, 'classes', 'home.json'), JSON.stringify(classSet))
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, 'classes', name), bytes)
  const pack = { id: 'p', dir, manifest: { classSets: ['classes/home.json'], text: {} } } as unknown as ActiveModelPack
  return { dir, packs: { activePack: () => pack, onActivePackChanged: () => () => undefined } }
}

const embeddings = {
  // Each prompt embeds to a one-hot by its length, so a class's text row is the mean of its prompts.
  textEmbeddings: async (texts: string[]) => texts.map((t) => Float32Array.from([0, 1, 2], (i) => (i === t.length % 3 ? 1 : 0))),
  frameEmbeddings: async () => { throw new Error('unused') },
  activeModelId: () => 'p',
}

const classSet = {
  format: 'dve-class-set', version: 1, name: 'Home', embeddingDim: 3,
  classes: [{ name: 'sofa', color: [1, 2, 3], prompts: ['sofa', 'couch'] }, { name: 'bed', color: [4, 5, 6], prompts: [] }],
  visualMeans: 'home.means.npy', probe: { weights: 'home.probe.npy', bias: 'home.bias.npy' },
}

describe('PackClassSets', () => {
  it('lists the pack class sets with their modes and builds text, mean and probe heads', async () => {
    const { packs } = packWith(classSet, {
      'home.means.npy': npy([2, 3], [3, 0, 4, 0, 2, 0]),
      'home.probe.npy': npy([2, 3], [1, 2, 3, 4, 5, 6]),
      'home.bias.npy': npy([2], [0.5, -0.5]),
    })
    const sets = new PackClassSets({ packs, embeddings })
    expect(await sets.classSets()).toEqual([{ id: 'home', name: 'Home', classCount: 2, modes: ['text', 'mean', 'probe'] }])
    const text = await sets.classHead('home', 'text')
    // "sofa" (4 → 1) and "couch" (5 → 2) average to (0, ½, ½), normalised; "bed" falls back to its name (3 → 0).
    expect([...(text.weights[0] ?? [])].map((v) => +v.toFixed(4))).toEqual([0, 0.7071, 0.7071])
    expect([...(text.weights[1] ?? [])]).toEqual([1, 0, 0])
    const mean = await sets.classHead('home', 'mean')
    expect([...(mean.weights[0] ?? [])].map((v) => +v.toFixed(4))).toEqual([0.6, 0, 0.8])
    const probe = await sets.classHead('home', 'probe')
    expect([...(probe.weights[1] ?? [])]).toEqual([4, 5, 6])
    expect([...(probe.bias ?? [])]).toEqual([0.5, -0.5])
    expect(probe.colors).toEqual([[1, 2, 3], [4, 5, 6]])
  })

  it('names the file and the problem for bad class sets and arrays', async () => {
    const { packs, dir } = packWith({ ...classSet, probe: undefined }, { 'home.means.npy': npy([3, 3], new Array(9).fill(1)) })
    const sets = new PackClassSets({ packs, embeddings })
    await expect(sets.classHead('home', 'mean')).rejects.toThrow('home.means.npy: 3 rows for the 2 classes of home.json')
    await expect(sets.classHead('home', 'probe')).rejects.toThrow(/home\.json: class set "Home" has no probe/)
    await expect(sets.classHead('kitchen', 'text')).rejects.toThrow(/"kitchen" is not in the active model pack/)
    writeFileSync(join(dir, 'classes', 'home.json'), JSON.stringify({ ...classSet, classes: [{ name: 'x', color: [300, 0, 0] }] }))
    await expect(new PackClassSets({ packs, embeddings }).classSets()).rejects.toThrow(/home\.json: classes\.0\.color\.0/)
    writeFileSync(join(dir, 'f8.npy'), npy([2], [1, 2], '<f8'))
    await expect(readNpyFloat32(join(dir, 'f8.npy'))).rejects.toThrow(/f8\.npy: header .* is not little-endian float32/)
  })
})
