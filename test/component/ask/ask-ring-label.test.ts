// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { FrameHeatmap } from '@contract'
import AskFramePane from '../../../src-renderer/src/components/ask/AskFramePane.vue'

/** A frame whose "most likely here" label sits at (xNorm, yNorm). */
function heatmapAt(xNorm: number, yNorm: number): FrameHeatmap {
  return {
    record: {
      label: 'telly',
      source: { kind: 'text', text: 'telly' },
      queryText: 'telly',
      modelId: 'demo',
      promptTemplate: null,
      negatives: [],
      vocabularyNegatives: [],
      temperature: 10,
      threshold: 0.9,
      thresholdMode: 'pack',
      createdAt: '2026-12-06T12:00:00Z',
    },
    heatmapPath: '/data/heatmap',
    width: 4,
    height: 3,
    maxRelevancy: 0.99,
    maxCosine: 0.5,
    peak: { xNorm, yNorm },
    region: { x0: xNorm - 0.05, y0: yNorm - 0.05, x1: Math.min(1, xNorm + 0.05), y1: Math.min(1, yNorm + 0.05) },
    labelAt: { xNorm, yNorm },
    seen: true,
    words: { unknown: [], suggestion: null },
    coverage: 0.02,
  }
}

function labelClasses(xNorm: number, yNorm: number): string[] {
  const wrapper = mount(AskFramePane, {
    props: {
      imageUrl: null,
      heatmaps: [{ heatmap: heatmapAt(xNorm, yNorm), relevancy: new Uint8Array(12), color: null }],
      threshold: 0.9,
      opacity: 0.7,
      advanced: false,
    },
  })
  const label = wrapper.get('[data-testid="ask-ring"] span')
  expect(label.text()).toBe('telly · most likely here')
  const classes = label.classes()
  wrapper.unmount()
  return classes
}

describe('the "most likely here" label', () => {
  it('grows away from the edge it is near, so the frame does not cut it off', () => {
    expect(labelClasses(0.5, 0.5)).toEqual([])
    expect(labelClasses(0.93, 0.4)).toEqual(['label-end'])
    expect(labelClasses(0.08, 0.4)).toEqual(['label-start'])
    expect(labelClasses(0.9, 0.95).sort()).toEqual(['label-above', 'label-end'])
  })
})
