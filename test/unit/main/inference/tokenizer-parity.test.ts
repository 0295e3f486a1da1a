/** Our tokenisation (JS tokenizer + padding/truncation to the context length) against Python `tokenizers`. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TextModelSpec } from '../../../../src-main/contract'
import { TextTower } from '../../../../src-main/services/inference/text-tower'
import { fixturePacks } from './inference-test-kit'

const parity = JSON.parse(readFileSync(join(fixturePacks, 'parity', 'tokenizer.json'), 'utf8')) as {
  contextLength: number
  cases: Array<{ prompt: string; ids: number[]; mask: number[] }>
}

describe('tokenizer parity with Python tokenizers', () => {
  it('gives the same ids and mask, padded and truncated like the reference', async () => {
    const manifest = JSON.parse(readFileSync(join(fixturePacks, 'tiny', 'model.json'), 'utf8')) as {
      text: TextModelSpec
    }
    expect(manifest.text.contextLength).toBe(parity.contextLength)
    const tower = await TextTower.open(join(fixturePacks, 'tiny'), manifest.text, 'text:test')
    for (const { prompt, ids, mask } of parity.cases) {
      const tokens = tower.tokenize(prompt)
      expect([...tokens.ids].map(Number), prompt).toEqual(ids)
      expect([...tokens.mask].map(Number), prompt).toEqual(mask)
    }
  })
})
