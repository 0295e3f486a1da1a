/**
 * The pack's text encoder: tokenizer.json (Hugging Face format, via @huggingface/tokenizers),
 * padding/truncation to the manifest's context length, the ONNX text tower in the worker,
 * L2-normalised output, and a cache of prompts already embedded.
 */
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'
import { z } from 'zod'
import { ConsoleError, type TextModelSpec } from '../../contract'
import type { InferenceWorkerClient } from './worker-client'
import type { TensorData } from './worker-protocol'
import { normaliseRows } from './embedding-layout'

const tokenizerFileSchema = z
  .object({
    model: z
      .object({
        type: z.string().optional(),
        unk_token: z.string().nullable().optional(),
        vocab: z.unknown().optional(),
      })
      .loose(),
    padding: z.object({ pad_id: z.number().int().nonnegative() }).loose().nullable().optional(),
  })
  .loose()

function unknownTokenId(model: z.infer<typeof tokenizerFileSchema>['model']): number | null {
  const vocab = model.vocab
  if (!model.unk_token || !vocab || typeof vocab !== 'object' || Array.isArray(vocab)) return null
  const id = (vocab as Record<string, unknown>)[model.unk_token]
  return typeof id === 'number' ? id : null
}

export interface TokenizedPrompt {
  ids: BigInt64Array
  mask: BigInt64Array
}

const maxCachedPrompts = 2000

export class TextTower {
  private readonly cache = new Map<string, Float32Array>()

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly padId: number | null,
    /** @huggingface/tokenizers leaves out-of-vocabulary word-level tokens undefined; they map to this. */
    private readonly unknownId: number | null,
    readonly spec: TextModelSpec,
    readonly sessionKey: string,
  ) {}

  /** Reads and checks the tokenizer; a file that does not load is a `bad_file` error naming it. */
  static async open(dir: string, spec: TextModelSpec, sessionKey: string): Promise<TextTower> {
    const path = join(dir, spec.tokenizer)
    try {
      const json: unknown = JSON.parse(await readFile(path, 'utf8'))
      const checked = tokenizerFileSchema.parse(json)
      const configPath = join(dir, 'tokenizer_config.json')
      const config: unknown = existsSync(configPath) ? JSON.parse(await readFile(configPath, 'utf8')) : {}
      const tokenizer = new Tokenizer(json as object, config as object)
      const tower = new TextTower(
        tokenizer,
        checked.padding?.pad_id ?? null,
        unknownTokenId(checked.model),
        spec,
        sessionKey,
      )
      tower.tokenize('test')
      return tower
    } catch (error) {
      const reason =
        error instanceof z.ZodError
          ? 'not a Hugging Face tokenizer.json (no "model" section)'
          : error instanceof Error
            ? error.message
            : String(error)
      throw new ConsoleError('bad_file', `${path}: the tokenizer does not load: ${reason}`)
    }
  }

  prompt(text: string): string {
    return this.spec.promptTemplate.replace('{}', text)
  }

  tokenize(prompt: string): TokenizedPrompt {
    const length = this.spec.contextLength
    let ids = this.tokenizer.encode(prompt).ids.map((id, i) => {
      if (id !== undefined) return id
      if (this.unknownId === null)
        throw new ConsoleError('invalid_input', `The tokenizer has no id for token ${i} of "${prompt}".`)
      return this.unknownId
    })
    if (ids.length === 0) throw new ConsoleError('invalid_input', `The tokenizer produced no tokens for "${prompt}".`)
    // Truncate like CLIP: keep the start and the final (end-of-text) token.
    if (ids.length > length) ids = [...ids.slice(0, length - 1), ids[ids.length - 1] as number]
    const padId = this.padId ?? (ids[ids.length - 1] as number)
    const tokens = new BigInt64Array(length).fill(BigInt(padId))
    const mask = new BigInt64Array(length)
    ids.forEach((id, i) => {
      tokens[i] = BigInt(id)
      mask[i] = 1n
    })
    return { ids: tokens, mask }
  }

  /** One L2-normalised vector per text, template applied; cached per prompt. */
  async embed(client: InferenceWorkerClient, texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = []
    for (const text of texts) {
      const prompt = this.prompt(text)
      let vector = this.cache.get(prompt)
      if (!vector) {
        vector = await this.run(client, prompt, signal)
        if (this.cache.size >= maxCachedPrompts) this.cache.delete(this.cache.keys().next().value as string)
        this.cache.set(prompt, vector)
      }
      out.push(vector)
    }
    return out
  }

  /** Raw (unnormalised) dims of the tower's output for one prompt: the pack check reads them. */
  async outputDims(client: InferenceWorkerClient): Promise<number[]> {
    const outputs = await this.runRaw(client, this.prompt('test'))
    return outputs.dims
  }

  private async run(client: InferenceWorkerClient, prompt: string, signal?: AbortSignal): Promise<Float32Array> {
    const output = await this.runRaw(client, prompt, signal)
    const dim = output.dims[output.dims.length - 1] as number
    const vector = Float32Array.from((output.data as Float32Array).subarray(0, dim))
    normaliseRows(vector, dim)
    return vector
  }

  private async runRaw(client: InferenceWorkerClient, prompt: string, signal?: AbortSignal): Promise<TensorData> {
    const { ids, mask } = this.tokenize(prompt)
    const dims = [1, this.spec.contextLength]
    const feeds: Record<string, TensorData> = { [this.spec.inputs.inputIds]: { type: 'int64', dims, data: ids } }
    if (this.spec.inputs.attentionMask) feeds[this.spec.inputs.attentionMask] = { type: 'int64', dims, data: mask }
    const response = await client.request(
      { kind: 'run', sessionKey: this.sessionKey, feeds, fetches: [this.spec.output] },
      'interactive',
      signal,
    )
    const output = response.outputs[this.spec.output]
    if (!output || output.type !== 'float32')
      throw new ConsoleError('model_error', `The text model returned no float output "${this.spec.output}".`)
    return output
  }
}
