/**
 * What Segmentation's second pane shows: the same frame in the compare mode, its ground truth (or
 * the right / wrong / void error view), or the result kept from another model pack.
 */
import { computed, type ComputedRef, type Ref } from 'vue'
import { resourcePaths } from '@contract'
import { useApi } from '../../api/install'
import { useSegmentationStore, type LoadedSegmentation } from '../../stores/segmentation'
import { modeLabels } from './mode-labels'
import { errorsMap, truthMap, type PlainClassMap } from './plain-class-map'

export interface CompanionPane {
  imageUrl: string | null
  segmentation: LoadedSegmentation | null
  plainMap: PlainClassMap | null
  title: string
  /** Whether its class indices are the primary pane's (so a legend highlight applies to both). */
  sameClasses: boolean
}

export function useCompanionPane(
  errorView: Ref<boolean>,
  imageUrl: Ref<string | null>,
): ComputedRef<CompanionPane | null> {
  const seg = useSegmentationStore()
  const client = useApi()
  /** The frame's ground truth as the pane draws it: its classes, or the error view. */
  const truthPane = computed(() => {
    const truth = seg.truth
    const primary = seg.primary
    if (!truth || !primary || truth.meta.frameIndex !== primary.meta.frameIndex) return null
    const { width, height } = truth.meta
    if (errorView.value) {
      if (primary.fullMap.length !== truth.classes.length) return null
      return errorsMap(primary.fullMap, truth.classes, width, height)
    }
    return truthMap(truth.classes, width, height, primary.meta.classes)
  })
  return computed(() => {
    if (seg.compareTruth) {
      return {
        imageUrl: imageUrl.value,
        segmentation: null,
        plainMap: truthPane.value,
        title: errorView.value ? 'Errors against the ground truth' : 'Ground truth',
        sameClasses: !errorView.value,
      }
    }
    if (seg.compareMode)
      return {
        imageUrl: imageUrl.value,
        segmentation: seg.secondary,
        plainMap: null,
        title: modeLabels[seg.compareMode],
        sameClasses: true,
      }
    const kept = seg.kept?.meta
    if (!kept) return null
    return {
      imageUrl: client.dataUrl(resourcePaths.frameImage(kept.sessionId, kept.frameIndex, 'rgb')),
      segmentation: seg.kept,
      plainMap: null,
      title: `Kept: ${modeLabels[kept.mode]} · ${kept.modelId} · frame ${kept.frameIndex}`,
      sameClasses: false,
    }
  })
}
