import { describe, expect, it } from 'vitest'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { mapLinkForPixel } from '../../../src-renderer/src/components/map/map-link'
import { fakeHost } from '../library/fake-host'

describe('mapLinkForPixel', () => {
  it('links a pixel to the map centred on its world point, and nothing where there is no depth or pose', async () => {
    const host = fakeHost({
      'map.pixelToWorld': (input) =>
        (input as { xNorm: number }).xNorm < 0.5 ? { worldPoint: [1.23456, -2, 0.5] } : { worldPoint: null },
    })
    const client = createApiClient(host.transport)
    expect(await mapLinkForPixel(client, 'walk', 7, 0.25, 0.5)).toEqual({
      name: 'map',
      query: { session: 'walk', focus: '1.235,-2.000,0.500' },
    })
    expect(host.called('map.pixelToWorld')).toEqual([{ sessionId: 'walk', frameIndex: 7, xNorm: 0.25, yNorm: 0.5 }])
    expect(await mapLinkForPixel(client, 'walk', 7, 0.75, 0.5)).toBeNull()
  })
})
