/**
 * A live recording on a full disk: the frame that did not fit leaves nothing behind (no image files,
 * no part of its journal line), the error says what the recording kept, the recording goes on once
 * there is space, a reader after a crash still sees every complete frame, and closing on a full disk
 * keeps the journal. The kernel's own
 * ENOSPC comes from /dev/full (an image file made a link to it).
 */
import { describe, expect, it, vi } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LiveSessionWriter } from '../../../../src-main/services/live/live-session-writer'
import { framesFromJournal, journalFileName } from '../../../../src-main/services/recordings/frame-journal'
import { diskFullError, isDiskFull } from '../../../../src-main/platform/disk-full'
import { readManifest } from '../../../../src-main/services/recordings/session-manifest-file'
import { testFrame } from './live-writer-frames'

const spec = (libraryDir: string) => ({
  libraryDir,
  name: 'disk full',
  sourceUrl: 'ws://127.0.0.1:1',
  camera: { width: 4, height: 3, fx: 3, fy: 3, cx: 1.5, cy: 1 },
  rgbSize: { width: 4, height: 3 },
  firstStamp: { sec: 100, nanosec: 0 },
})

async function writerWithFrames(count: number): Promise<{ writer: LiveSessionWriter; dir: string }> {
  const writer = await LiveSessionWriter.create(spec(mkdtempSync(join(tmpdir(), 'dve-live-full-'))), null)
  for (let k = 0; k < count; k++) await writer.append(testFrame(k))
  return { writer, dir: writer.session.dir }
}

const journalIndices = (dir: string): number[] =>
  readFileSync(join(dir, journalFileName), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { index: number }).index)

describe('live recording on a full disk', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'drops the frame that did not fit, says so, and goes on when it fits',
    async () => {
      const { writer, dir } = await writerWithFrames(3)
      // The next frame's colour image lands on a device that is always full.
      symlinkSync('/dev/full', join(dir, 'rgb', '000003.png'))
      const failure = await writer.append(testFrame(3)).catch((error: unknown) => error)
      expect(isDiskFull(failure)).toBe(true)
      expect(String(failure)).toContain(dir)
      expect(String(failure)).toContain('keeps its 3 frames')
      expect(existsSync(join(dir, 'rgb', '000003.png'))).toBe(false)
      expect(existsSync(join(dir, 'depth', '000003.png'))).toBe(false)
      expect(writer.frameCount).toBe(3)
      expect(journalIndices(dir)).toEqual([0, 1, 2])

      // Space again: the next frame takes the free index, and nothing is missing after a crash.
      const next = await writer.append(testFrame(4))
      expect(next.index).toBe(3)
      expect(next.sourceName).toBe('frame-4')
      expect(journalIndices(dir)).toEqual([0, 1, 2, 3])
      const reread = await framesFromJournal(dir, { ...writer.session.manifest, frames: [] })
      expect(reread.frames.map((f) => f.sourceName)).toEqual(['frame-0', 'frame-1', 'frame-2', 'frame-4'])
      await writer.close()
    },
  )

  it('takes back the part of a journal line written before the disk filled', async () => {
    const { writer, dir } = await writerWithFrames(2)
    const journal = (writer as unknown as { journal: { writeFile: (data: string) => Promise<void> } }).journal
    const realWrite = journal.writeFile.bind(journal)
    // What a short write then ENOSPC leaves: the first half of the line on disk, then the error.
    const spy = vi.spyOn(journal, 'writeFile').mockImplementationOnce(async (line: string) => {
      await realWrite(line.slice(0, line.length >> 1))
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    const failure = await writer.append(testFrame(2)).catch((error: unknown) => error)
    expect(isDiskFull(failure)).toBe(true)
    expect(readFileSync(join(dir, journalFileName), 'utf8').endsWith('\n')).toBe(true)
    spy.mockRestore()

    await writer.append(testFrame(3))
    await writer.append(testFrame(4))
    // Without the take-back, the torn line would hide frames 3 and 4 from a reader after a crash.
    const reread = await framesFromJournal(dir, { ...writer.session.manifest, frames: [] })
    expect(reread.frames.map((f) => f.sourceName)).toEqual(['frame-0', 'frame-1', 'frame-3', 'frame-4'])
    expect(reread.frames.map((f) => f.index)).toEqual([0, 1, 2, 3])
    await writer.close()
  })

  it('closes on a full disk with the journal kept, and the session opens with every frame', async () => {
    const { writer, dir } = await writerWithFrames(4)
    const inner = writer as unknown as { writeManifestNow: () => Promise<void> }
    vi.spyOn(inner, 'writeManifestNow').mockRejectedValue(diskFullError(join(dir, 'session.json'), 'kept'))
    const note = await writer.close()
    expect(note).toContain('frames are kept in frames.jsonl')
    expect(existsSync(join(dir, journalFileName))).toBe(true)
    expect((await readManifest(dir)).frames.map((f) => f.sourceName)).toEqual([
      'frame-0',
      'frame-1',
      'frame-2',
      'frame-3',
    ])
  })
})
