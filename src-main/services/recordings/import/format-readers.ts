/** Every format reader, in no particular order: detection scores pick among them. */
import { polycamReader, strayScannerReader } from './arkit-readers'
import { dveSessionReader } from './dve-session-reader'
import { frameFolderReader } from './frame-folder-reader'
import { genericReader, samplesReader } from './generic-reader'
import type { FormatReader } from './import-plan'
import { mcapReader, rosbagReader } from './mcap-reader'
import { nyuv2MatReader } from './nyuv2-mat-reader'
import { record3dReader } from './record3d-reader'
import { redwoodReader } from './redwood-reader'
import { replicaReader } from './replica-reader'
import { scannetReader } from './scannet-reader'
import { tumPoseListReader } from './tum-pose-list-reader'
import { tumReader } from './tum-reader'

export const formatReaders: readonly FormatReader[] = [
  dveSessionReader,
  tumReader,
  tumPoseListReader,
  frameFolderReader,
  redwoodReader,
  scannetReader,
  replicaReader,
  samplesReader,
  genericReader,
  mcapReader,
  rosbagReader,
  polycamReader,
  strayScannerReader,
  record3dReader,
  nyuv2MatReader,
]
