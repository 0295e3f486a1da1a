/**
 * Records a live stream into a normal library session, append-only and crash-safe: each frame's
 * images are written first, then one line in the frame journal (recordings/frame-journal.ts);
 * session.json is rewritten atomically every few seconds and at the end, when the journal goes.
 * Whatever kills the process, the session opens with every frame up to the last complete one.
 * While recording, the session store serves the growing manifest from memory.
 */
import { mkdir, open, rm, stat, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { PinholeIntrinsics, SessionFrame, SessionManifest } from '../../contract'
import type { RosTime } from '../recordings/import/ros-images'
import { journalFileName, journalLine } from '../recordings/frame-journal'
import { manifestPath, writeAssembledManifest, writeManifest } from '../recordings/session-manifest-file'
import type { SessionStore, StoredSession } from '../recordings/session-store'
import { newSessionId } from '../recordings/import/session-id'
import { diskFullError, isDiskFull } from '../../platform/disk-full'

export interface LiveSessionSpec {
  libraryDir: string
  name: string
  /** The robot's URL (the session's source path). */
  sourceUrl: string
  camera: PinholeIntrinsics & { width: number; height: number }
  rgbSize: { width: number; height: number }
  /** First frame's stamp: session times start at 0 from it. */
  firstStamp: RosTime
}

export interface FrameToRecord {
  stamp: RosTime
  sourceName: string
  rgb: { bytes: Uint8Array; extension: 'png' | 'jpg' }
  depthPng: Uint8Array
  worldFromCamera: number[] | null
}

/**
 * session.json is rewritten while recording at most every 5 s, and less often as it grows (2 ms per
 * frame: an hour at 30 fps, every 3.6 min), so rewriting it costs the same share of time however long
 * the recording; the journal holds every frame in between.
 */
const manifestEveryMs = (frames: number): number => Math.max(5_000, 2 * frames)

const pad = (index: number): string => index.toString().padStart(6, '0')

export class LiveSessionWriter {
  private lastManifestAt = Date.now()
  private tail: Promise<unknown> = Promise.resolve()
  /** The session.json rewrite in progress (frames are appended meanwhile). */
  private manifestWrite: Promise<void> = Promise.resolve()
  private closed = false
  /** The journal's length after its last complete line. */
  private journalBytes = 0

  private constructor(
    readonly session: StoredSession,
    private readonly journal: FileHandle,
    private readonly store: SessionStore | null,
    private readonly firstStamp: RosTime,
  ) {}

  static async create(spec: LiveSessionSpec, store: SessionStore | null): Promise<LiveSessionWriter> {
    const id = await newSessionId(spec.name, spec.libraryDir)
    const dir = join(spec.libraryDir, id)
    await mkdir(join(dir, 'rgb'), { recursive: true })
    await mkdir(join(dir, 'depth'), { recursive: true })
    const { width, height, fx, fy, cx, cy } = spec.camera
    const manifest: SessionManifest = {
      format: 'dve-session',
      version: 1,
      id,
      name: spec.name,
      createdAt: new Date().toISOString(),
      source: { format: 'live', path: spec.sourceUrl },
      camera: { width, height, fx, fy, cx, cy },
      rgbSize: spec.rgbSize,
      depthUnitMeters: 0.001,
      depthInvalidValues: [0],
      hasPoses: false,
      frames: [],
    }
    await writeManifest(dir, manifest)
    const journal = await open(join(dir, journalFileName), 'a')
    const session: StoredSession = {
      id,
      dir,
      manifest,
      readOnly: false,
      version: (await stat(manifestPath(dir))).mtimeMs,
    }
    store?.setLive(session)
    return new LiveSessionWriter(session, journal, store, spec.firstStamp)
  }

  get id(): string {
    return this.session.id
  }

  get frameCount(): number {
    return this.session.manifest.frames.length
  }

  /** Appends one frame; frames are written strictly in call order. Resolves to its entry. */
  append(frame: FrameToRecord): Promise<SessionFrame> {
    const written = this.tail.then(() => this.write(frame))
    this.tail = written.catch(() => undefined)
    return written
  }

  private async write(frame: FrameToRecord): Promise<SessionFrame> {
    if (this.closed) throw new Error(`the live recording "${this.id}" is closed`)
    const { manifest, dir } = this.session
    const index = manifest.frames.length
    const entry: SessionFrame = {
      index,
      // Seconds and nanoseconds apart: an epoch stamp as one double would lose the microseconds.
      timestampSec: frame.stamp.sec - this.firstStamp.sec + (frame.stamp.nanosec - this.firstStamp.nanosec) * 1e-9,
      sourceName: frame.sourceName,
      rgb: `rgb/${pad(index)}.${frame.rgb.extension}`,
      depth: `depth/${pad(index)}.png`,
      worldFromCamera: frame.worldFromCamera,
    }
    const line = journalLine(entry)
    try {
      await Promise.all([
        writeFile(join(dir, entry.rgb), frame.rgb.bytes),
        writeFile(join(dir, entry.depth), frame.depthPng),
      ])
      // One line, written whole (or failing): the frame exists from here on, for this process and after a crash.
      await this.journal.writeFile(line)
    } catch (error) {
      await this.undo(entry)
      if (isDiskFull(error)) throw diskFullError(dir, `the recording keeps its ${index} frames`)
      throw error
    }
    this.journalBytes += Buffer.byteLength(line)
    manifest.frames.push(entry)
    if (entry.worldFromCamera) manifest.hasPoses = true
    if (Date.now() - this.lastManifestAt > manifestEveryMs(manifest.frames.length)) {
      // Not awaited: the next frame is not held up by the rewrite (the journal already holds this one).
      // A failed rewrite loses nothing: the journal has the frames, and close() rewrites (and reports) again.
      this.manifestWrite = this.manifestWrite.then(() => this.writeManifestNow()).catch(() => undefined)
    }
    return entry
  }

  /**
   * A frame that failed (a full disk, most often) leaves nothing behind: no partial image files, and
   * no part of its journal line, which would hide every later line from a reader after a crash.
   */
  private async undo(entry: SessionFrame): Promise<void> {
    const { dir } = this.session
    await Promise.all(
      [entry.rgb, entry.depth].map((file) => rm(join(dir, file), { force: true }).catch(() => undefined)),
    )
    await this.journal.truncate(this.journalBytes).catch(() => undefined)
  }

  /** session.json with the frames appended so far, once the journal lines of those frames are on disk. */
  private async writeManifestNow(): Promise<void> {
    this.lastManifestAt = Date.now()
    const { dir, manifest } = this.session
    const frames = manifest.frames.length
    await this.journal.sync()
    await writeAssembledManifest(dir, { ...manifest, frames: manifest.frames.slice(0, frames) })
  }

  /**
   * Writes the final session.json and drops the journal; the session is then a plain one. On a full
   * disk the journal stays (the session opens with every frame from it) and the note says so.
   */
  async close(): Promise<string | null> {
    await this.tail
    if (this.closed) return null
    this.closed = true
    await this.manifestWrite
    let note: string | null = null
    try {
      await this.writeManifestNow()
      await this.journal.close()
      await rm(join(this.session.dir, journalFileName), { force: true })
    } catch (error) {
      if (!isDiskFull(error)) throw error
      await this.journal.close().catch(() => undefined)
      note = `No space left to rewrite ${manifestPath(this.session.dir)}: the recording's ${this.frameCount} frames are kept in ${journalFileName} beside it, and the session opens with all of them.`
    }
    this.store?.endLive(this.session.dir)
    return note
  }
}
