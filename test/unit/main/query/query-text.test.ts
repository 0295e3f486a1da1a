import { describe, expect, it } from 'vitest'
import { cleanQueryText } from '../../../../src-main/services/query/query-text'

describe('cleanQueryText', () => {
  it.each([
    ['massage chair', 'massage chair'],
    ['Where is the bean bag?', 'bean bag'],
    ['where are my glasses', 'glasses'],
    ["where's the remote", 'remote'],
    ['Show me a walker, please', 'walker'],
    ['find the red mug', 'red mug'],
    ['Have you seen my keys?', 'keys'],
  ])('%s → %s', (typed, phrase) => {
    expect(cleanQueryText(typed)).toBe(phrase)
  })

  it('never strips the last word', () => {
    expect(cleanQueryText('Where?')).toBe('where')
    expect(cleanQueryText('where is the')).toBe('the')
  })

  it('does not eat a word that only starts like a question word', () => {
    expect(cleanQueryText('anything blue')).toBe('anything blue')
    expect(cleanQueryText('theatre poster')).toBe('theatre poster')
  })
})
