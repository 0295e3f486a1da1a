/**
 * `dve bench segmentation`: the per-frame cost of segmentation after the model has scored the
 * frame (40 classes, 160×120 output, 640×480 camera — the demo pack's shape), against a same-run
 * baseline of a plain argmax over the logits at output stride: top-2 with softmax, the camera-size
 * class map on upsampled logits, the payloads, and the whole service call with a scorer that
 * returns precomputed scores (so the model itself is not timed). No model pack needed.
 */
import { DataRouter } from '../../services/data-router'
import { EventBus } from '../../services/event-bus'
import { JobRunner } from '../../services/jobs/job-runner'
import type { ClassHead, ScoreMaps } from '../../services/ports'
import { encodeClassMap, encodeTop2 } from '../../services/segmentation/segmentation-payloads'
import { SegmentationService } from '../../services/segmentation/segmentation-service'
import { classifyTop2 } from '../../services/segmentation/top2-classifier'
import { upsampledClassMap } from '../../services/segmentation/upsampled-class-map'
import { median, timeRuns } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'

const classCount = 40
const width = 160
const height = 120
const stride = 4

/** Smooth random cosine fields (class regions several output pixels wide), as real logits are. */
function smoothScores(): ScoreMaps {
  const scores = new Float32Array(classCount * width * height)
  for (let k = 0; k < classCount; k++) {
    const fx = 0.03 + 0.002 * k,
      fy = 0.04 + 0.0015 * k,
      phase = 1.3 * k
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++)
        scores[k * width * height + y * width + x] = 0.3 * Math.sin(fx * x + phase) * Math.cos(fy * y - phase)
    }
  }
  return { count: classCount, width, height, scaleX: stride, scaleY: stride, scores }
}

function argmaxAtStride(scores: ScoreMaps): Uint16Array {
  const pixels = scores.width * scores.height
  const out = new Uint16Array(pixels)
  for (let p = 0; p < pixels; p++) {
    let best = 0
    for (let k = 1; k < scores.count; k++)
      if ((scores.scores[k * pixels + p] as number) > (scores.scores[best * pixels + p] as number)) best = k
    out[p] = best
  }
  return out
}

export const segmentationBench: Bench = {
  name: 'segmentation',
  description: 'Per-frame segmentation after scoring (40 classes, 160×120 → 640×480) vs a plain argmax',
  async run(_ctx, options) {
    const runs = options.quick ? 3 : 15
    const scores = smoothScores()
    const baseline = median(await timeRuns(() => argmaxAtStride(scores), runs))
    const rows: BenchRow[] = [
      { name: 'baseline: argmax at output stride (160×120, 40 classes)', value: baseline, unit: 'ms' },
    ]
    const ratio = (ms: number) => ({ value: ms / baseline, baseline: 'argmax' })
    const top2 = classifyTop2(scores, null)
    const full = await upsampledClassMap(scores, width * stride, height * stride)
    const timed: Array<[string, () => unknown]> = [
      ['top-2 + softmax + cosine at stride', () => classifyTop2(scores, null)],
      ['class map at 640×480 on upsampled logits', () => upsampledClassMap(scores, width * stride, height * stride)],
      [
        'payloads (class maps + top-2 bytes)',
        () => [encodeClassMap(top2.winner, classCount), encodeClassMap(full, classCount), encodeTop2(top2)],
      ],
    ]
    for (const [name, fn] of timed) {
      const ms = median(await timeRuns(fn, runs))
      rows.push({ name, value: ms, unit: 'ms', ratio: ratio(ms) })
    }
    const head: ClassHead = {
      classSetId: 'bench',
      mode: 'text',
      names: Array.from({ length: classCount }, (_, k) => `class ${k}`),
      colors: Array.from({ length: classCount }, (_, k) => [k * 6, 255 - k * 6, 128]),
      weights: [new Float32Array(1)],
      bias: null,
    }
    const service = new SegmentationService({
      frames: {
        frameCount: async () => 1,
        loadFrame: () => Promise.reject(new Error('unused')),
        loadLabels: async () => null,
      },
      scorer: { scoreFrame: async () => scores },
      heads: { classHead: async () => head },
      catalog: { classSets: async () => [] },
      modelId: () => 'bench',
      jobs: new JobRunner(new EventBus()),
      data: new DataRouter(),
      allowFileExport: false,
    })
    const whole = median(
      await timeRuns(
        () => service.segmentFrame({ sessionId: 's', frameIndex: 0, classSetId: 'bench', mode: 'text' }),
        runs,
      ),
    )
    rows.push({
      name: 'segmentFrame after scoring (all of the above)',
      value: whole,
      unit: 'ms',
      ratio: ratio(whole),
      aim: '≤ 100 ms (10 fps playback)',
    })
    return rows
  },
}
