/** A live link's status: before it has connected, and as live-source.ts tells it (a copy). */
import type { LiveConnectOptions, LiveStatus } from '../../contract'
import type { SchedulerCounts } from './latest-frame-scheduler'

export function initialLiveStatus(
  options: LiveConnectOptions,
  pairToleranceMs: number,
  modelOn: boolean,
  now: Date,
): LiveStatus {
  return {
    state: 'connecting',
    url: options.url,
    protocol: null,
    topics: {
      rgbTopic: options.rgbTopic ?? null,
      depthTopic: options.depthTopic ?? null,
      cameraInfoTopic: options.cameraInfoTopic ?? null,
      tfTopics: [],
      worldFrame: options.worldFrame ?? null,
    },
    sessionId: null,
    framesRecorded: 0,
    framesRejected: 0,
    pairing: { toleranceMs: pairToleranceMs, paired: 0, unpairedColour: 0, unpairedDepth: 0, duplicates: 0 },
    arrivalFps: 0,
    model: {
      state: modelOn ? 'running' : 'off',
      fps: 0,
      embedded: 0,
      skipped: 0,
      skippedPercent: 0,
      latestFrameIndex: null,
    },
    posedFrames: 0,
    reconnects: 0,
    message: null,
    problems: [],
    startedAt: now.toISOString(),
  }
}

/** The status with the running counts and rates filled in; a copy the caller may keep. */
export function currentLiveStatus(
  state: LiveStatus,
  now: {
    framesRecorded: number
    pairing: LiveStatus['pairing']
    arrivalFps: number
    modelFps: number
    scheduled: SchedulerCounts | null
  },
): LiveStatus {
  const embedded = now.scheduled?.finished ?? 0
  const skipped = now.scheduled?.skipped ?? 0
  const offered = now.scheduled?.offered ?? 0
  return {
    ...state,
    topics: { ...state.topics, tfTopics: [...state.topics.tfTopics] },
    framesRecorded: now.framesRecorded,
    pairing: now.pairing,
    arrivalFps: now.arrivalFps,
    model: {
      ...state.model,
      fps: now.modelFps,
      embedded,
      skipped,
      skippedPercent: offered > 0 ? (100 * skipped) / offered : 0,
    },
    problems: [...state.problems],
  }
}
