/**
 * Query history and saved queries of the user, under `<home>/ask/`. Every entry keeps the full
 * record (model, template, negatives, threshold), so a result can be reproduced. Writes are atomic
 * and serialised, so two quick searches cannot lose each other's entries.
 */
import { join } from 'node:path'
import { z } from 'zod'
import {
  ConsoleError,
  askQuerySchema,
  querySourceSchema,
  type AskQuery,
  type QueryHistoryEntry,
  type SavedQuery,
} from '../../contract'
import { writeJsonAtomic } from '../../platform/atomic-write'
import { readJsonFile } from './read-json-file'

const recordSchema = z.object({
  label: z.string(),
  source: querySourceSchema,
  queryText: z.string().nullable(),
  modelId: z.string(),
  promptTemplate: z.string().nullable(),
  negatives: z.array(z.string()),
  vocabularyNegatives: z.array(z.string()).default([]),
  temperature: z.number(),
  threshold: z.number(),
  // Before per-pack calibration, the default rule was an adaptive split per query; it is the pack's rule now.
  thresholdMode: z.enum(['fixed', 'adaptive', 'pack']).transform((mode) => (mode === 'adaptive' ? 'pack' : mode)),
  createdAt: z.string(),
})
const historyFileSchema = z.object({
  format: z.literal('dve-ask-history'),
  version: z.literal(1),
  entries: z.array(
    z.object({
      id: z.string(),
      sessionId: z.string().nullable(),
      record: recordSchema,
      outcome: z
        .object({ seen: z.boolean(), sightings: z.number().int(), bestFrame: z.number().int().nullable() })
        .nullable(),
    }),
  ),
})
const savedFileSchema = z.object({
  format: z.literal('dve-ask-saved'),
  version: z.literal(1),
  queries: z.array(z.object({ id: z.string(), name: z.string(), query: askQuerySchema, createdAt: z.string() })),
})

export const maxHistoryEntries = 200

export class QueryHistoryStore {
  private queue: Promise<unknown> = Promise.resolve()
  private counter = 0

  constructor(private readonly dir: string) {}

  async history(): Promise<QueryHistoryEntry[]> {
    return (await readJsonFile(join(this.dir, 'history.json'), historyFileSchema))?.entries ?? []
  }

  async saved(): Promise<SavedQuery[]> {
    return (await readJsonFile(join(this.dir, 'saved.json'), savedFileSchema))?.queries ?? []
  }

  /** Newest first; the oldest fall off past maxHistoryEntries. */
  add(entry: Omit<QueryHistoryEntry, 'id'>): Promise<QueryHistoryEntry> {
    return this.serial(async () => {
      const created = { id: this.newId('h'), ...entry }
      const entries = [created, ...(await this.history())].slice(0, maxHistoryEntries)
      await writeJsonAtomic(join(this.dir, 'history.json'), { format: 'dve-ask-history', version: 1, entries })
      return created
    })
  }

  clearHistory(): Promise<number> {
    return this.serial(async () => {
      const count = (await this.history()).length
      await writeJsonAtomic(join(this.dir, 'history.json'), { format: 'dve-ask-history', version: 1, entries: [] })
      return count
    })
  }

  save(name: string, query: AskQuery): Promise<SavedQuery> {
    return this.serial(async () => {
      const queries = await this.saved()
      if (queries.some((q) => q.name === name))
        throw new ConsoleError('conflict', `A saved query named "${name}" already exists.`)
      const created: SavedQuery = { id: this.newId('s'), name, query, createdAt: new Date().toISOString() }
      await this.writeSaved([...queries, created])
      return created
    })
  }

  delete(id: string): Promise<boolean> {
    return this.serial(async () => {
      const queries = await this.saved()
      const kept = queries.filter((q) => q.id !== id)
      if (kept.length !== queries.length) await this.writeSaved(kept)
      return kept.length !== queries.length
    })
  }

  private writeSaved(queries: SavedQuery[]): Promise<void> {
    return writeJsonAtomic(join(this.dir, 'saved.json'), { format: 'dve-ask-saved', version: 1, queries })
  }

  private newId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${(this.counter++).toString(36)}`
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }
}
