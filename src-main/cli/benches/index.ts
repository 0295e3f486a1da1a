/** Every benchmark `dve bench <name>` can run; `dve bench` runs them all. */
import type { Bench } from './bench-types'
import { queryBench } from './query'

export const benches: Bench[] = [queryBench]
