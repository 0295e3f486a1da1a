/**
 * Which words of a query the model knows, and what a misspelt one probably meant. A word is known
 * when the pack's tokenizer holds it as a whole word (CLIP BPE `word</w>`, WordPiece `word`,
 * SentencePiece `▁word`) or the pack's class names use it. Suggestions come from the class names and
 * the question words Ask strips, so "whre is the plnat" becomes "plant".
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { QueryWords } from '../../contract'
import type { ModelPackProvider } from '../ports'
import { cleanQueryText, determiners, leadingPhrases, trailingWords } from './query-text'

const tokenizerVocabSchema = z.object({ model: z.object({ vocab: z.unknown() }).loose() }).loose()
const questionWords = [...new Set([...leadingPhrases, ...determiners, ...trailingWords].flatMap((p) => p.split(' ')))]

/** Whole words of a tokenizer's vocabulary; null when the file has no readable word list. */
export async function tokenizerWords(path: string): Promise<Set<string> | null> {
  const parsed = tokenizerVocabSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
  const vocab = parsed.success ? parsed.data.model.vocab : null
  // BPE vocabularies are objects (token → id); Unigram ones are [token, score] pairs.
  const tokens = Array.isArray(vocab)
    ? vocab.map((entry: unknown) => (Array.isArray(entry) ? String(entry[0]) : ''))
    : vocab && typeof vocab === 'object'
      ? Object.keys(vocab)
      : null
  if (!tokens) return null
  const wordEnds = tokens.some((t) => t.endsWith('</w>'))
  const wordStarts = !wordEnds && tokens.some((t) => t.startsWith('▁'))
  const words = new Set<string>()
  for (const token of tokens) {
    if (wordEnds) {
      if (token.endsWith('</w>')) words.add(token.slice(0, -4).toLowerCase())
    } else if (wordStarts) {
      if (token.startsWith('▁')) words.add(token.slice(1).toLowerCase())
    } else if (!token.startsWith('##')) words.add(token.toLowerCase())
  }
  return words
}

/** Optimal-string-alignment distance: edits, with a swap of neighbours ("plnat" → "plant") counting as one. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** A misspelling is at most one edit away in short words, two in longer ones ("piano" is not "plant"). */
function closest(word: string, candidates: readonly string[]): string | null {
  const allowed = word.length <= 5 ? 1 : 2
  let best: { word: string; distance: number } | null = null
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate)
    if (distance <= allowed && (!best || distance < best.distance)) best = { word: candidate, distance }
  }
  return best?.word ?? null
}

/**
 * `known`: the tokenizer's whole words (null = every word counts as known); `vocabulary`: the pack's
 * class names. The suggestion is the corrected text, cleaned as a query is.
 */
export function checkWords(typed: string, known: Set<string> | null, vocabulary: readonly string[]): QueryWords {
  const vocabularyWords = [...new Set(vocabulary.flatMap((name) => name.toLowerCase().split(/\s+/)))]
  const isKnown = (word: string): boolean =>
    known === null || known.has(word) || vocabularyWords.includes(word) || questionWords.includes(word)
  const words = typed
    .toLowerCase()
    .replace(/[?!.,;:"“”]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
  // The words after the last determiner (at least the last word) name the thing: "where is the cat" is
  // about a cat, not a misspelt "can", so only the words before them may be misspelt question words.
  const thingFrom = Math.max(words.findLastIndex((w) => determiners.includes(w)) + 1, words.length - 1)
  const questionFix = (word: string, i: number): string | null => (i < thingFrom ? closest(word, questionWords) : null)
  const unknown = words.filter((w, i) => !isKnown(w) && questionFix(w, i) === null)
  if (words.every((w) => isKnown(w))) return { unknown: [], suggestion: null }
  const corrected = words.map((w, i) => (isKnown(w) ? w : (questionFix(w, i) ?? closest(w, vocabularyWords) ?? w)))
  // A misspelt question word ("whre") is corrected silently: only the words that name things count.
  return { unknown, suggestion: corrected.every((w) => isKnown(w)) ? cleanQueryText(corrected.join(' ')) : null }
}

/** The active pack's tokenizer words, read once per pack. */
export class PackWords {
  private cached: { packId: string; words: Promise<Set<string> | null> } | null = null

  constructor(private readonly packs: ModelPackProvider | null) {}

  known(): Promise<Set<string> | null> {
    const pack = this.packs?.activePack() ?? null
    if (!pack?.manifest.text) return Promise.resolve(null)
    if (this.cached?.packId !== pack.id) {
      // A tokenizer without a readable word list makes every word "known": no false "unknown word".
      this.cached = {
        packId: pack.id,
        words: tokenizerWords(join(pack.dir, pack.manifest.text.tokenizer)).catch(() => null),
      }
    }
    return this.cached.words
  }
}
