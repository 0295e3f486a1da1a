import { describe, expect, it } from 'vitest'
import { richestClassSet } from '../../../src-renderer/src/stores/default-class-set'

describe('the class set a view opens with', () => {
  it('is the one with the most modes, the first among equals, none for an empty list', () => {
    const nyu = { id: 'nyuv2-40', modes: ['text'] }
    const scannet = { id: 'scannet-20', modes: ['text'] }
    const demo = { id: 'demo', modes: ['text', 'mean', 'probe'] }
    expect(richestClassSet([nyu, scannet, demo])?.id).toBe('demo')
    expect(richestClassSet([nyu, scannet])?.id).toBe('nyuv2-40')
    expect(richestClassSet([])).toBeUndefined()
  })
})
