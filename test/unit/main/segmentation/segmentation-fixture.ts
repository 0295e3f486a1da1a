/** The Segmentation service over the synthetic Ask world, with a three-class head (two texts and a visual mean). */
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import type { ClassHead, SegmentationMode } from '../../../../src-main/services/ports'
import { SegmentationService } from '../../../../src-main/services/segmentation/segmentation-service'
import { syntheticWorld } from '../query/synthetic-session'

export const classNames = ['sofa', 'bean bag', 'room']
export const classColors: Array<[number, number, number]> = [
  [0, 114, 178],
  [230, 159, 0],
  [120, 120, 120],
]

export function segmentationFixture(
  options: { allowFileExport?: boolean; head?: (world: ReturnType<typeof syntheticWorld>) => Promise<ClassHead> } = {},
) {
  const world = syntheticWorld()
  const data = new DataRouter()
  const jobs = new JobRunner(new EventBus())
  const headFor = async (mode: SegmentationMode): Promise<ClassHead> => {
    if (mode === 'probe') throw new Error('no probe in this fixture')
    const [sofa, beanBag] = await world.textEmbeddings(['sofa', 'bean bag'])
    // "room": the embedding of a pixel that no thing covers (top-right corner of frame 0).
    const map = await world.frameEmbeddings(world.sessionId, 0)
    const corner = (map.width - 1) * map.dim
    const room = map.data.slice(corner, corner + map.dim)
    const weights =
      mode === 'text'
        ? [sofa as Float32Array, beanBag as Float32Array, room]
        : [room, sofa as Float32Array, beanBag as Float32Array]
    return { classSetId: 'home', mode, names: classNames, colors: classColors, weights, bias: null }
  }
  const service = new SegmentationService({
    frames: world,
    scorer: world,
    heads: { classHead: (_id, mode) => (options.head ? options.head(world) : headFor(mode)) },
    catalog: { classSets: async () => [{ id: 'home', name: 'Home', classCount: 3, modes: ['text', 'mean'] }] },
    modelId: () => world.activeModelId(),
    jobs,
    data,
    allowFileExport: options.allowFileExport ?? true,
  })
  return { service, world, data, jobs }
}
