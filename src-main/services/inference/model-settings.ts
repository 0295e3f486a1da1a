/**
 * The user's model choices in `<home>/settings.json`, under the `models` key: the active pack and
 * the execution-provider order. Other keys of the file belong to other areas and are kept as they are.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { cacheBudgetSchema, executionProviders, type ExecutionProviderName } from '../../contract'
import { writeJsonAtomic } from '../../platform/atomic-write'

const modelSettingsSchema = z.object({
  activePack: z.string().min(1).nullable().default(null),
  executionProviders: z
    .array(z.enum(executionProviders))
    .min(1)
    .default([...executionProviders]),
  cacheBudgetBytes: cacheBudgetSchema.default(4 * 2 ** 30),
})
export type ModelSettings = z.infer<typeof modelSettingsSchema>

export class ModelSettingsFile {
  private readonly path: string

  constructor(
    home: string,
    private readonly warn: (message: string) => void,
  ) {
    this.path = join(home, 'settings.json')
  }

  async read(): Promise<ModelSettings> {
    const whole = await this.readWhole()
    const parsed = modelSettingsSchema.safeParse(whole.models ?? {})
    if (parsed.success) return parsed.data
    this.warn(
      `${this.path}: "models" is not valid (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); using defaults.`,
    )
    return modelSettingsSchema.parse({})
  }

  async update(
    change: Partial<{ activePack: string; executionProviders: ExecutionProviderName[]; cacheBudgetBytes: number }>,
  ): Promise<void> {
    const whole = await this.readWhole()
    const current = modelSettingsSchema.safeParse(whole.models ?? {})
    await writeJsonAtomic(this.path, { ...whole, models: { ...(current.success ? current.data : {}), ...change } })
  }

  private async readWhole(): Promise<Record<string, unknown>> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch {
      return {}
    }
    try {
      const value: unknown = JSON.parse(text)
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
    } catch {
      // reported below
    }
    this.warn(`${this.path}: not a JSON object; model settings start from defaults.`)
    return {}
  }
}
