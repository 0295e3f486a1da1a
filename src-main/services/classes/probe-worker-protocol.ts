/** Messages between the probe runner and the probe worker. */
import type { ProbeTrainingData, ProbeTrainingOptions, ProbeTrainingResult } from './probe-trainer'

export interface ProbeWorkerRequest {
  id: number
  data: ProbeTrainingData
  options: ProbeTrainingOptions
}

export type ProbeWorkerReply =
  | { type: 'epoch'; id: number; epoch: number; loss: number }
  | { type: 'done'; id: number; result: ProbeTrainingResult }
  | { type: 'error'; id: number; message: string }
