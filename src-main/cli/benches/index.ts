/** Every benchmark `dve bench <name>` can run; `dve bench` runs them all. */
import type { Bench } from './bench-types'

export const benches: Bench[] = []
