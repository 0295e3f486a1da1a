/**
 * Player → map: the route that opens the Map view centred on the 3D point under a pixel of a frame
 * (`#/map?session=…&focus=x,y,z`), or null when the pixel has no depth or the frame no pose.
 * For the Player's "show in map" action: `const to = await mapLinkForPixel(client, …); if (to) router.push(to)`.
 */
import type { ApiClient } from '../../api/client'

export interface MapRouteLocation {
  name: 'map'
  query: { session: string; focus: string }
}

export async function mapLinkForPixel(
  client: ApiClient,
  sessionId: string,
  frameIndex: number,
  xNorm: number,
  yNorm: number,
): Promise<MapRouteLocation | null> {
  const { worldPoint } = await client.api.map.pixelToWorld({ sessionId, frameIndex, xNorm, yNorm })
  return worldPoint
    ? { name: 'map', query: { session: sessionId, focus: worldPoint.map((v) => v.toFixed(3)).join(',') } }
    : null
}
