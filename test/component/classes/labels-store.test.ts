// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import type { FrameLabels } from '@contract'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { installApi } from '../../../src-renderer/src/api/install'
import { changedRuns, maskRuns, paintDisc, useLabelsStore } from '../../../src-renderer/src/stores/labels'
import { fakeHost } from '../library/fake-host'

describe('label stroke helpers', () => {
  it('encodes exactly the changed pixels as runs', () => {
    const before = Uint16Array.from([0, 0, 1, 1, 2, 0, 0])
    const after = Uint16Array.from([0, 3, 3, 1, 0, 0, 3])
    expect(changedRuns(before, after)).toEqual([1, 2, 3, 4, 1, 0, 6, 1, 3])
    expect(maskRuns(after)).toEqual([1, 2, 3, 3, 1, 1, 6, 1, 3])
  })

  it('paints a clipped disc', () => {
    const mask = new Uint16Array(5 * 5)
    paintDisc(mask, 5, 5, 0, 0, 1, 2)
    expect(Array.from(mask.subarray(0, 10))).toEqual([2, 2, 0, 0, 0, 2, 0, 0, 0, 0])
  })
})

describe('labels store', () => {
  const saved: number[][] = []
  const stored = { mask: new Uint16Array(4 * 2) }
  let host: ReturnType<typeof fakeHost>

  beforeEach(() => {
    saved.length = 0
    stored.mask = new Uint16Array(8)
    host = fakeHost({
      'classes.getLabels': (): FrameLabels => ({
        sessionId: 's',
        classSetId: 'set',
        frameIndex: 0,
        width: 4,
        height: 2,
        pixelCounts: [0],
        labelMaskPath: null,
        revision: 0,
      }),
      'classes.labelledFrames': () => [],
      'classes.saveLabels': (input) => {
        const { runs, replace } = input as { runs: number[]; replace: boolean }
        if (replace) stored.mask.fill(0)
        for (let i = 0; i < runs.length; i += 3)
          stored.mask.fill(runs[i + 2] as number, runs[i] as number, (runs[i] as number) + (runs[i + 1] as number))
        saved.push(runs)
        return {
          sessionId: 's',
          classSetId: 'set',
          frameIndex: 0,
          width: 4,
          height: 2,
          pixelCounts: [1],
          labelMaskPath: stored.mask.some((v) => v) ? '/data/x' : null,
          revision: saved.length,
        }
      },
    })
    const app = createApp({})
    installApi(app, createApiClient(host.transport))
    const pinia = createPinia()
    app.use(pinia)
    setActivePinia(pinia)
    vi.stubGlobal('fetch', vi.fn())
  })

  it('saves each stroke as its changed runs, and undo/redo save the whole mask back', async () => {
    const labels = useLabelsStore()
    await labels.open('s', 0, 'set')
    expect(labels.width).toBe(4)
    const first = Uint16Array.from([1, 1, 0, 0, 0, 0, 0, 0])
    expect(await labels.commit(first)).toBe(true)
    const second = Uint16Array.from([1, 2, 2, 0, 0, 0, 0, 0])
    expect(await labels.commit(second)).toBe(true)
    expect(saved).toEqual([
      [0, 2, 1],
      [1, 2, 2],
    ])
    expect(Array.from(stored.mask)).toEqual(Array.from(second))
    expect(labels.labelledFrames).toEqual([0])

    expect(await labels.undo()).toBe(true)
    expect(Array.from(stored.mask)).toEqual(Array.from(first))
    expect(Array.from(labels.mask)).toEqual(Array.from(first))
    expect(await labels.undo()).toBe(true)
    expect(Array.from(stored.mask)).toEqual(new Array(8).fill(0))
    expect(labels.labelledFrames).toEqual([])
    expect(await labels.undo()).toBe(false)

    expect(await labels.redo()).toBe(true)
    expect(await labels.redo()).toBe(true)
    expect(Array.from(stored.mask)).toEqual(Array.from(second))
    expect(await labels.redo()).toBe(false)
    // A stroke that changes nothing is not saved and not undoable.
    expect(await labels.commit(second.slice())).toBe(false)
    expect(saved).toHaveLength(6)
  })

  it('keeps the error of a refused save for the view', async () => {
    host.handlers['classes.saveLabels'] = () => {
      throw new Error('Class set "NYUv2-40" is read-only')
    }
    const labels = useLabelsStore()
    await labels.open('s', 0, 'set')
    expect(await labels.commit(Uint16Array.from([1, 0, 0, 0, 0, 0, 0, 0]))).toBe(false)
    expect(labels.error).toMatch(/read-only/)
  })
})
