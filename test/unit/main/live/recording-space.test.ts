/**
 * Disk space while recording live: the warning comes while there is time (space and minutes left at
 * the current rate), free space is looked up every 10 s and not per frame, a full disk is one message
 * that counts what was lost, and the first frame that fits again says so. Repeats with new numbers
 * replace the earlier line in the problem list.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lowSpaceWarning, recordingRoom, RecordingSpace } from '../../../../src-main/services/live/recording-space'
import { freeBytesAt } from '../../../../src-main/platform/free-space'
import { listProblem } from '../../../../src-main/services/live/problem-list'
import { diskFullError } from '../../../../src-main/platform/disk-full'

const MB = 2 ** 20
const GB = 2 ** 30

describe('recording space', () => {
  it('warns under ten minutes of recording left, or under 512 MB whatever the rate', () => {
    // 3 MB/s (30 fps of ~100 kB frames): 2 GB is 11 minutes, 1.5 GB is 8.
    expect(lowSpaceWarning('/rec', 2 * GB, 3 * MB)).toBeNull()
    expect(lowSpaceWarning('/rec', 1.5 * GB, 3 * MB)).toBe(
      'The disk that holds this recording (/rec) is nearly full: 1.5 GB left, about 8 minutes of recording at the current rate. Free some space, or stop the recording.',
    )
    expect(lowSpaceWarning('/rec', 100 * MB, 3 * MB)).toContain(': 100 MB left, less than a minute of recording')
    expect(lowSpaceWarning('/rec', 400 * MB, 0)).toBe(
      'The disk that holds this recording (/rec) is nearly full: 400 MB left. Free some space, or stop the recording.',
    )
    expect(lowSpaceWarning('/rec', 600 * MB, 0)).toBeNull()
  })

  it('looks free space up every 10 s, at the rate recorded since the last look', async () => {
    let nowMs = 0
    const looked: string[] = []
    const space = new RecordingSpace(
      async (dir) => {
        looked.push(dir)
        return 1 * GB
      },
      () => nowMs,
    )
    for (let k = 0; k < 300; k++) {
      nowMs = k * 33
      // The first frame looks at once: over 512 MB is no warning while the rate is not known yet.
      expect(await space.recorded('/rec', 100_000)).toBeNull()
    }
    expect(looked).toEqual(['/rec'])
    nowMs = 10_000
    // 300 frames of 100 kB in 10 s: 1 GB lasts 5.9 minutes.
    expect(await space.recorded('/rec', 100_000)).toEqual({
      kind: 'low',
      text: expect.stringContaining('1.0 GB left, about 5 minutes of recording'),
    })
    expect(looked).toEqual(['/rec', '/rec'])
    nowMs = 15_000
    expect(await space.recorded('/rec', 100_000)).toBeNull()
    expect(looked).toHaveLength(2)
  })

  it('reads the free space of a real folder, or of its nearest parent before it exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dve-space-'))
    expect(await freeBytesAt(dir)).toBeGreaterThan(0)
    expect(await freeBytesAt(join(dir, 'sessions', 'not-yet'))).toBeGreaterThan(0)
  })

  it('tells before connecting where the recording goes and whether there is room', async () => {
    expect(await recordingRoom('/lib', async () => 20 * GB)).toEqual({ dir: '/lib', freeBytes: 20 * GB, warning: null })
    expect((await recordingRoom('/lib', async () => 300 * MB)).warning).toBe(
      'Only 300 MB free where recordings go (/lib): at 30 frames a second a recording fills that in minutes. Free some space first.',
    )
    const unreadable = await recordingRoom('/lib', async () => {
      throw new Error('EACCES')
    })
    expect(unreadable).toEqual({ dir: '/lib', freeBytes: null, warning: null })
  })

  it('counts the frames a full disk lost, in one problem line, and says when recording resumed', async () => {
    let nowMs = 0
    const space = new RecordingSpace(
      async () => 10 * GB,
      () => nowMs,
    )
    const problems: string[] = []
    const full = diskFullError('/rec/rgb/000120.jpg', 'the recording keeps its 120 frames')
    listProblem(problems, space.failed(full, '/rec', 120)!)
    expect(problems[0]).toContain('; 1 frame was not recorded so far.')
    for (let k = 0; k < 2; k++) listProblem(problems, space.failed(full, '/rec', 120)!)
    expect(space.failed(new Error('EACCES: permission denied'), '/rec', 120)).toBeNull()
    // On the edge of full: one frame fits, the next does not; the count runs on, nothing is said.
    nowMs = 1_000
    expect(await space.recorded('/rec', 100_000)).toBeNull()
    listProblem(problems, space.failed(full, '/rec', 121)!)
    expect(problems).toEqual([
      'No space left on the disk that holds this recording (/rec): it keeps its 121 frames; 4 frames were not recorded so far. Free some space: recording resumes by itself.',
    ])
    nowMs = 6_100
    expect(await space.recorded('/rec', 100_000)).toEqual({
      kind: 'resumed',
      text: 'Recording resumed: there is space on the disk again (4 frames were not recorded while it was full).',
    })
    expect(await space.recorded('/rec', 100_000)).toBeNull()
  })

  it('keeps one line per reason in the problem list, the newest numbers shown', () => {
    const problems: string[] = []
    listProblem(problems, lowSpaceWarning('/rec', 1.5 * GB, 3 * MB)!)
    listProblem(problems, lowSpaceWarning('/rec', 1.2 * GB, 3 * MB)!)
    listProblem(problems, 'The model failed on a live frame: out of memory')
    expect(problems).toEqual([
      expect.stringContaining('1.2 GB left, about 6 minutes'),
      'The model failed on a live frame: out of memory',
    ])
  })
})
