/** Every benchmark `dve bench <name>` can run; `dve bench` runs them all. */
import type { Bench } from './bench-types'
import { seekBench } from './seek'
import { queryBench } from './query'
import { inferenceBench } from './inference'
import { mapBench } from './map'
import { importBench } from './import'
import { probeBench } from './probe'
import { segmentationBench } from './segmentation'
import { liveBench } from './live'

export const benches: Bench[] = [queryBench, seekBench, inferenceBench, importBench, mapBench, probeBench, segmentationBench, liveBench]
