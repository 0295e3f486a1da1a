/**
 * Recording import entry points used by the `sessions` service: detect what a source looks like,
 * preview what an import would decide, and import it into the library as a new session (see
 * docs/IMPORT.md).
 */
import { basename } from 'node:path'
import { ConsoleError, importOptionsSchema, type ImportOptions, type ImportReport } from '../../../contract'
import type { JobContext } from '../../jobs/job-runner'
import { decideImport } from './decide-import'
import { pgmChoice, readImportPlan } from './read-plan'
import { writeSession } from './session-writer'

export { detectFormats, pgmChoice, readImportPlan, type ReadPlan } from './read-plan'
export { previewImport } from './import-preview'

/**
 * Imports `sourcePath` into a new session folder in `libraryDir` (built in `.importing-<id>/`,
 * renamed at the end). The source is only read.
 */
export async function importSession(
  sourcePath: string,
  options: ImportOptions,
  libraryDir: string,
  ctx: JobContext,
): Promise<ImportReport> {
  const startedAtMs = Date.now()
  const parsed = importOptionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError(
      'invalid_input',
      `Import options: ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}.`,
    )
  }
  const parsedOptions = parsed.data
  const { tree, reader, plan } = await readImportPlan(sourcePath, parsedOptions, ctx)
  try {
    ctx.throwIfCancelled()
    const name = parsedOptions.name ?? basename(tree.singleFile ? tree.singleFile.replace(/\.[^.]+$/, '') : tree.root)
    const source = tree.singleFile ? tree.path(tree.singleFile) : tree.root
    if (plan.frames.length === 0 && plan.issues.length === 0)
      throw new ConsoleError('bad_file', `${source}: no frames found.`, { file: source })
    ctx.progress(0, plan.frames.length, 'Checking depth, poses and order')
    const pgm = pgmChoice(parsedOptions)
    const decided = await decideImport({
      plan,
      formatLabel: reader.label,
      options: parsedOptions,
      pgm,
      sourcePath: source,
    })
    ctx.throwIfCancelled()
    return await writeSession(
      plan,
      decided,
      pgm,
      { libraryDir, sourcePath: source, format: reader.format, name, options: parsedOptions, startedAtMs },
      ctx,
    )
  } finally {
    await plan.close?.()
  }
}
