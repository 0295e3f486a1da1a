import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkWords, editDistance, tokenizerWords } from '../../../../src-main/services/query/query-words'

const vocabulary = ['sofa', 'plant', 'tv', 'bean bag', 'trash bin']
const known = new Set(['sofa', 'couch', 'plant', 'potted', 'tv', 'bean', 'bag', 'red', 'where', 'is', 'the'])
const dir = mkdtempSync(join(tmpdir(), 'dve-words-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('query words', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('plnat', 'plant')).toBe(1)
    expect(editDistance('whre', 'where')).toBe(1)
    expect(editDistance('piano', 'plant')).toBe(2)
    expect(editDistance('', 'tv')).toBe(2)
  })
  it('suggests the vocabulary word for a misspelling, and corrects question words silently', () => {
    expect(checkWords('whre is the plnat', known, vocabulary)).toEqual({ unknown: ['plnat'], suggestion: 'plant' })
    expect(checkWords('whre is the sofa', known, vocabulary)).toEqual({ unknown: [], suggestion: 'sofa' })
    expect(checkWords('Where is the red sofa?', known, vocabulary)).toEqual({ unknown: [], suggestion: null })
  })
  it('says a word is unknown without a far-fetched suggestion', () => {
    expect(checkWords('piano', known, vocabulary)).toEqual({ unknown: ['piano'], suggestion: null })
    expect(checkWords('piano', null, vocabulary)).toEqual({ unknown: [], suggestion: null })
  })
  it('never reads the thing asked for as a misspelt question word ("cat" is not "can")', () => {
    expect(checkWords('where is the cat?', known, vocabulary)).toEqual({ unknown: ['cat'], suggestion: null })
    expect(checkWords('cat', known, vocabulary)).toEqual({ unknown: ['cat'], suggestion: null })
    expect(checkWords('whre is teh sofa', known, vocabulary)).toEqual({ unknown: [], suggestion: 'sofa' })
  })
  it('reads whole words from BPE, WordPiece and SentencePiece vocabularies', async () => {
    const write = (name: string, vocab: unknown): string => {
      writeFileSync(join(dir, name), JSON.stringify({ model: { vocab } }))
      return join(dir, name)
    }
    expect([...(await tokenizerWords(write('bpe.json', { 'plant</w>': 1, pl: 2, 'ant</w>': 3 })))!]).toEqual([
      'plant',
      'ant',
    ])
    expect([...(await tokenizerWords(write('wp.json', { plant: 1, '##s': 2 })))!]).toEqual(['plant'])
    expect([
      ...(await tokenizerWords(
        write('sp.json', [
          ['▁plant', -1],
          ['s', -2],
        ]),
      ))!,
    ]).toEqual(['plant'])
  })
})
