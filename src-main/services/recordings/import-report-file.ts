/** The `import-report.json` an importer saves in a session (validated; built-in sessions have none). */
import { join } from 'node:path'
import { ConsoleError, importReportSchema, type ImportReport } from '../../contract'
import { readJsonFile } from './json-file'
import type { StoredSession } from './session-store'

export async function readImportReport(session: StoredSession): Promise<ImportReport | null> {
  const file = session.manifest.source.report
  if (!file) return null
  try {
    return await readJsonFile(join(session.dir, file), importReportSchema)
  } catch (error) {
    if (error instanceof ConsoleError && error.code === 'not_found') return null
    throw error
  }
}

export function intrinsicsWereAssumed(report: ImportReport | null): boolean {
  return report?.intrinsicsAssumed ?? false
}
