/**
 * The benches' baseline: the pack's unmodified model, `session.run` alone (timed in the worker, no
 * output copied back), on the frame preprocessed to float32 here, as the fp16 tier's worker does and
 * as the compact tier did before its input prefix; what that preprocessing and the float inputs'
 * hand-over cost is returned beside it.
 */
import { performance } from 'node:perf_hooks'
import type { LoadedPack } from '../../services/inference/pack-loader'
import { floatFeeds, preprocessFrame } from '../../services/inference/preprocess'
import type { InferenceWorkerClient } from '../../services/inference/worker-client'
import type { LoadedFrame } from '../../services/ports'

export interface BareRun {
  runMs: number
  /** Resize + normalise to float32 in JS. */
  preprocessMs: number
  /** The request's wall time less the run: the float inputs to the worker, the dims back. */
  handOverMs: number
}

export async function bareRun(
  client: InferenceWorkerClient,
  pack: LoadedPack,
  frame: Pick<LoadedFrame, 'rgb' | 'depthMeters'>,
): Promise<BareRun> {
  const image = pack.manifest.image
  const t0 = performance.now()
  const feeds = floatFeeds(image.inputs, preprocessFrame(frame.rgb, frame.depthMeters, image))
  const t1 = performance.now()
  const response = await client.request(
    { kind: 'run', sessionKey: pack.imageKey, feeds, fetches: [image.output], discardOutputs: true },
    'interactive',
  )
  const handOverMs = performance.now() - t1 - response.runMs
  return { runMs: response.runMs, preprocessMs: t1 - t0, handOverMs }
}
