/**
 * The append-only live recording: frames are visible at once through the store, survive kill -9
 * mid-write (the session reopens with every complete frame, in order, with its pixels and pose),
 * and a torn journal line is not a frame.
 */
import { describe, expect, it, vi } from 'vitest'
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decode } from 'fast-png'
import { LiveSessionWriter } from '../../../../src-main/services/live/live-session-writer'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { readManifest } from '../../../../src-main/services/recordings/session-manifest-file'
import { journalFileName } from '../../../../src-main/services/recordings/frame-journal'
import { sessionManifestSchema } from '../../../../src-main/contract'
import { testFrame } from './live-writer-frames'

const camera = { width: 4, height: 3, fx: 3, fy: 3, cx: 1.5, cy: 1 }
const spec = (libraryDir: string) => ({
  libraryDir,
  name: 'live test',
  sourceUrl: 'ws://127.0.0.1:1',
  camera,
  rgbSize: { width: 4, height: 3 },
  firstStamp: { sec: 100, nanosec: 0 },
})

function expectFrameContent(
  dir: string,
  frame: { rgb: string; depth: string; worldFromCamera: number[] | null; timestampSec: number },
  k: number,
): void {
  const rgb = decode(readFileSync(join(dir, frame.rgb)))
  const depth = decode(readFileSync(join(dir, frame.depth)))
  expect(rgb.data[0]).toBe(k % 256)
  expect(depth.data[5]).toBe(1000 + k)
  expect(frame.worldFromCamera?.[3]).toBe(k)
  expect(frame.timestampSec).toBeCloseTo(k * 0.1, 9)
}

describe('live session writer', () => {
  it('serves the growing session from the store, then leaves a plain session', async () => {
    const library = mkdtempSync(join(tmpdir(), 'dve-live-'))
    const store = new SessionStore(library, [])
    const writer = await LiveSessionWriter.create(spec(library), store)
    for (let k = 0; k < 5; k++) await writer.append(testFrame(k))
    expect((await store.get(writer.id)).manifest.frames.length).toBe(5)
    await writer.close()
    expect(existsSync(join(library, writer.id, journalFileName))).toBe(false)
    const reopened = await new SessionStore(library, []).get(writer.id)
    expect(reopened.manifest.frames.length).toBe(5)
    expect(reopened.manifest.source.format).toBe('live')
    expect(reopened.manifest.hasPoses).toBe(true)
    reopened.manifest.frames.forEach((f, k) => expectFrameContent(reopened.dir, f, k))
  })

  it('rewrites session.json in the background now and then, a valid manifest of the frames so far', async () => {
    const library = mkdtempSync(join(tmpdir(), 'dve-live-'))
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const writer = await LiveSessionWriter.create(spec(library), null)
      const onDisk = () =>
        sessionManifestSchema.parse(JSON.parse(readFileSync(join(library, writer.id, 'session.json'), 'utf8')))
      for (let k = 0; k < 3; k++) await writer.append(testFrame(k))
      expect(onDisk().frames).toHaveLength(0) // within the first 5 s: the journal holds them
      vi.setSystemTime(Date.now() + 6_000)
      await writer.append(testFrame(3)) // resolves without waiting for the rewrite it started
      await writer.append(testFrame(4))
      await vi.waitFor(() => expect(onDisk().frames.length).toBeGreaterThanOrEqual(4))
      expect(onDisk().frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4].slice(0, onDisk().frames.length))
      await writer.close()
      expect(onDisk().frames).toHaveLength(5)
    } finally {
      vi.useRealTimers()
    }
  })

  it('keeps every complete frame when the process is killed with SIGKILL mid-write', async () => {
    const library = mkdtempSync(join(tmpdir(), 'dve-live-crash-'))
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'live-writer-child.ts'), library],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let output = ''
    const lastFrame = await new Promise<number>((resolvePromise) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const frames = output.match(/frame (\d+)\n/g) ?? []
        // Killed at an arbitrary point of the append loop (images, journal line or manifest rewrite).
        if (frames.length >= 60) {
          child.kill('SIGKILL')
          resolvePromise(frames.length - 1)
        }
      })
    })
    await new Promise((r) => child.once('exit', r))
    const id = /session (\S+)/.exec(output)![1]!
    const dir = join(library, id)
    expect(existsSync(join(dir, journalFileName))).toBe(true)
    const manifest = await readManifest(dir)
    // Every frame the child saw appended is there; one more may have completed before the kill landed.
    expect(manifest.frames.length).toBeGreaterThanOrEqual(lastFrame + 1)
    expect(manifest.frames.length).toBeLessThanOrEqual(lastFrame + 3)
    manifest.frames.forEach((f, k) => {
      expect(f.index).toBe(k)
      expectFrameContent(dir, f, k)
    })
    // The library lists it like any session.
    const listed = await new SessionStore(library, []).list()
    expect(listed.sessions.map((s) => s.id)).toEqual([id])
  })

  it('ignores a torn last journal line and a line whose images are missing', async () => {
    const library = mkdtempSync(join(tmpdir(), 'dve-live-torn-'))
    const writer = await LiveSessionWriter.create(spec(library), null)
    for (let k = 0; k < 3; k++) await writer.append(testFrame(k))
    const dir = join(library, writer.id)
    const journal = join(dir, journalFileName)
    appendFileSync(
      journal,
      '{"index":3,"timestampSec":0.3,"sourceName":"x","rgb":"rgb/000003.png","depth":"depth/000003.png","worldFromCamera":null}\n',
    )
    appendFileSync(journal, '{"index":4,"timestampSec":0.4,"sourc')
    const manifest = await readManifest(dir)
    expect(manifest.frames.map((f) => f.sourceName)).toEqual(['frame-0', 'frame-1', 'frame-2'])
  })
})
