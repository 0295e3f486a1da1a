/** Every benchmark `dve bench <name>` can run; `dve bench` runs them all. */
import type { Bench } from './bench-types'
import { seekBench } from './seek'
import { queryBench } from './query'
import { inferenceBench } from './inference'
import { mapBench } from './map'
import { importBench } from './import'
import { probeBench } from './probe'
import { segmentationBench } from './segmentation'
import { scaleBench } from './scale'
import { cacheCodesBench } from './cache-codes'
import { liveBench } from './live'

export const benches: Bench[] = [
  queryBench,
  seekBench,
  inferenceBench,
  importBench,
  mapBench,
  probeBench,
  segmentationBench,
  cacheCodesBench,
  liveBench,
]

/** Heavy (minutes, GBs): run by name only, `dve bench scale`. */
export const namedOnlyBenches: Bench[] = [scaleBench]
