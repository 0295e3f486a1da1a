/**
 * Turns what a person types ("where is the bean bag?", "show me my glasses") into the noun phrase
 * the text tower should embed ("bean bag", "glasses"): the question words carry no visual meaning
 * and would pull the embedding towards "a photo of a question".
 */

// Longest first, so "where are the" is removed before "where".
export const leadingPhrases = [
  'can you show me',
  'could you show me',
  'can you find',
  'could you find',
  'do you see',
  'have you seen',
  'where did i leave',
  'where did i put',
  'where can i find',
  'where is',
  'where are',
  "where's",
  'where',
  'show me',
  'find me',
  'look for',
  'search for',
  'find',
  'show',
  'locate',
  'is there',
  'are there',
  'any',
]
export const determiners = ['the', 'a', 'an', 'my', 'our', 'your', 'some', 'his', 'her', 'their', 'this', 'that']
export const trailingWords = ['please', 'now', 'again']

/** The phrase to embed, lower-case, without question words, determiners and punctuation. */
export function cleanQueryText(typed: string): string {
  let text = typed
    .toLowerCase()
    .replace(/[?!.,;:"“”]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  let changed = true
  while (changed) {
    changed = false
    for (const phrase of [...leadingPhrases, ...determiners]) {
      if (text.startsWith(`${phrase} `)) {
        text = text.slice(phrase.length + 1).trim()
        changed = true
      }
    }
    for (const word of trailingWords) {
      if (text.endsWith(` ${word}`)) {
        text = text.slice(0, -word.length - 1).trim()
        changed = true
      }
    }
  }
  // Phrases are only stripped when a word follows them, so the result is never empty.
  return text
}
