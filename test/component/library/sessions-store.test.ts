// @vitest-environment happy-dom
/** The library's session list: refetched on changes, and a live session's counts follow its robot link. */
import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createApp } from 'vue'
import type { LiveStatus, SessionSummary } from '@contract'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions'
import { fakeHost } from './fake-host'

const summary = (id: string, frameCount: number): SessionSummary =>
  ({ id, name: id, frameCount, posedFrameCount: 0, hasPoses: false }) as SessionSummary

function liveStatus(sessionId: string | null, framesRecorded: number, posedFrames: number): LiveStatus {
  return {
    state: 'live',
    url: 'ws://robot:8765',
    protocol: 'foxglove.sdk.v1',
    topics: { rgbTopic: '/c', depthTopic: '/d', cameraInfoTopic: null, tfTopics: [], worldFrame: null },
    sessionId,
    framesRecorded,
    framesRejected: 0,
    pairing: { toleranceMs: 20, paired: framesRecorded, unpairedColour: 0, unpairedDepth: 0, duplicates: 0 },
    arrivalFps: 30,
    model: { state: 'off', fps: 0, embedded: 0, skipped: 0, skippedPercent: 0, latestFrameIndex: null },
    posedFrames,
    reconnects: 0,
    message: null,
    problems: [],
    startedAt: '2026-12-05T23:00:00Z',
  }
}

describe('sessions store', () => {
  it('keeps the live session’s frame count current between refetches, and no other session’s', async () => {
    const host = fakeHost({
      'sessions.list': () => [summary('live-robot', 0), summary('walk', 400)],
      'jobs.list': () => [],
    })
    const app = createApp({ render: () => null })
    app.provide(apiKey as symbol, createApiClient(host.transport))
    setActivePinia(createPinia())
    const sessions = app.runWithContext(() => useSessionsStore())
    await sessions.refresh()
    const listed = host.called('sessions.list').length
    host.emit('live', liveStatus('live-robot', 120, 118))
    host.emit('live', liveStatus(null, 5, 0))
    await flushPromises()
    expect(sessions.byId('live-robot')).toMatchObject({ frameCount: 120, posedFrameCount: 118, hasPoses: true })
    expect(sessions.byId('walk')?.frameCount).toBe(400)
    // Counts come from the pushed status: no refetch per frame.
    expect(host.called('sessions.list')).toHaveLength(listed)
  })
})
