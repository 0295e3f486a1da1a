import { describe, expect, it } from 'vitest'
import { formatBytes, freeSpaceText } from '../../../../src-main/contract'

describe('sizes as people read them', () => {
  it('picks the unit and keeps one decimal under ten', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(24 * 2 ** 20)).toBe('24 MB')
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GB')
  })

  it('says free space, or that it could not be read', () => {
    expect(freeSpaceText(26 * 2 ** 30)).toBe('26 GB free')
    expect(freeSpaceText(null)).toBe('free space unknown')
  })
})
