/** A live link's status before it has connected (live-source.ts keeps it current). */
import type { LiveConnectOptions, LiveStatus } from '../../contract'

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
