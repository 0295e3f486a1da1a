/**
 * An import reads only its own source: every file a reader opens (lists, index files, pose files
 * named in the options, sidecars, frame images) must resolve, symlinks included, inside the source
 * folder. The scope travels with the import's async work (AsyncLocalStorage), so the format readers
 * need no extra parameter; outside a scope (the CLI reading a file it was given) nothing is confined.
 *
 * Reads are bounded too: only regular files (no /dev/zero, no FIFO), no larger than the caller's
 * limit, read through one handle so a file that grows while read cannot exceed it.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { constants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import { ConsoleError } from '../../contract'
import { inside } from './path-policy'
import { printable } from './printable'

interface SourceScope {
  /** Real path of the source folder. */
  root: string
  /** Browser mode: hidden files below the root are refused too. */
  refuseHidden: boolean
}

const scope = new AsyncLocalStorage<SourceScope>()

/** Text sidecars (lists, poses, intrinsics): a 100 000-frame TUM pose list is about 8 MB. */
export const maxTextSidecarBytes = 16 * 2 ** 20
/** JSON manifests and metadata (a 100 000-frame session.json is about 40 MB). */
export const maxManifestBytes = 128 * 2 ** 20
/** One encoded frame image (a 4K 16-bit PNG is under 20 MB; raw PGM 4K depth about 17 MB). */
export const maxImageFileBytes = 128 * 2 ** 20

/** Runs `work` with every source read confined to `root` (which must exist). */
export async function confineReadsTo<T>(
  root: string,
  work: () => Promise<T>,
  options: { refuseHidden?: boolean } = {},
): Promise<T> {
  // A missing root confines to its name: nothing resolves inside it, and the reader names the missing source.
  const real = await realpath(root).catch(() => resolve(root))
  return scope.run({ root: real, refuseHidden: options.refuseHidden ?? false }, work)
}

/** What a reader says of a file it may not or cannot read; the same words either way. */
export const unavailableSourceFile = 'file is missing or lies outside the source folder'

/** The problem a reader reports for a file it may not or cannot read. */
export class SourceFileUnavailable extends ConsoleError {
  constructor(readonly file: string) {
    super('bad_file', `${printable(file)}: ${unavailableSourceFile}.`, { file })
  }
}

/** The real path of `path` when the current import may read it; throws SourceFileUnavailable otherwise. */
export async function confinedPath(path: string): Promise<string> {
  const current = scope.getStore()
  const real = await realpath(path).catch(() => null)
  if (!real) throw new SourceFileUnavailable(path)
  if (!current) return real
  if (!inside(current.root, real)) throw new SourceFileUnavailable(path)
  if (
    current.refuseHidden &&
    relative(current.root, real)
      .split(sep)
      .some((s) => s.startsWith('.'))
  )
    throw new SourceFileUnavailable(path)
  return real
}

export class FileTooLarge extends ConsoleError {
  constructor(file: string, limitBytes: number, what: string) {
    super(
      'bad_file',
      `${printable(file)}: larger than the ${Math.round(limitBytes / 2 ** 20)} MB allowed for ${what}.`,
      { file, limitBytes },
    )
  }
}

/** The bytes of a regular file inside the current source, at most `maxBytes` of them. */
export async function readSourceFile(path: string, maxBytes: number, what: string): Promise<Buffer> {
  const real = await confinedPath(path)
  // Non-blocking: opening a FIFO would otherwise wait for a writer forever; it is refused below anyway.
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => {
    throw new SourceFileUnavailable(path)
  })
  try {
    const info = await handle.stat()
    if (!info.isFile())
      throw new ConsoleError('bad_file', `${printable(path)}: not a regular file (a device, pipe or folder).`, {
        file: path,
      })
    if (info.size > maxBytes) throw new FileTooLarge(path, maxBytes, what)
    // One byte more than allowed tells a file that grew after stat from one that fits exactly.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1)
    let filled = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
      if (filled === buffer.length) break
    }
    if (filled > maxBytes) throw new FileTooLarge(path, maxBytes, what)
    return buffer.subarray(0, filled)
  } finally {
    await handle.close()
  }
}

export async function readSourceText(
  path: string,
  maxBytes = maxTextSidecarBytes,
  what = 'a text sidecar',
): Promise<string> {
  return (await readSourceFile(path, maxBytes, what)).toString('utf8')
}
