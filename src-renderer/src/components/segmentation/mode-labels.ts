/** How the segmentation modes are named in the views. */
import type { SegmentationModeName } from '@contract'

export const modeLabels: Record<SegmentationModeName, string> = {
  text: 'Text',
  mean: 'Visual mean',
  probe: 'Linear probe',
}
