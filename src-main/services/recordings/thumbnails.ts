/** Small JPEG thumbnails of a session's middle frame, made on first request and kept in memory. */
import { join } from 'node:path'
import sharp from 'sharp'
import { ConsoleError } from '../../contract'
import { readFrameFile } from './frame-decoding'
import type { StoredSession } from './session-store'

export const thumbnailSize = { width: 192, height: 144 }

export class Thumbnails {
  private readonly made = new Map<string, Promise<Uint8Array>>()

  thumbnail(session: StoredSession): Promise<Uint8Array> {
    const key = `${session.id}@${session.version}`
    let pending = this.made.get(key)
    if (!pending) {
      pending = makeThumbnail(session)
      pending.catch(() => this.made.delete(key))
      this.made.set(key, pending)
    }
    return pending
  }
}

async function makeThumbnail(session: StoredSession): Promise<Uint8Array> {
  const frames = session.manifest.frames
  const frame = frames[Math.floor(frames.length / 2)]
  if (!frame) throw new ConsoleError('not_found', `Session "${session.id}" has no frames to show.`)
  const path = join(session.dir, frame.rgb)
  try {
    return await sharp(await readFrameFile(path, session.dir))
      .resize(thumbnailSize.width, thumbnailSize.height, { fit: 'cover' })
      .jpeg({ quality: 78 })
      .toBuffer()
  } catch (error) {
    if (error instanceof ConsoleError) throw error
    throw new ConsoleError(
      'bad_file',
      `${path}: cannot make a thumbnail (${error instanceof Error ? error.message : String(error)}).`,
      { file: path },
    )
  }
}
