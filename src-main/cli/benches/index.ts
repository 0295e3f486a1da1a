/** Every benchmark `dve bench <name>` can run; `dve bench` runs them all. */
import type { Bench } from './bench-types'
import { seekBench } from './seek'
import { queryBench } from './query'

export const benches: Bench[] = [queryBench, seekBench]
