/** Every format reader, in no particular order: detection scores pick among them. */
import type { FormatReader } from './import-plan'
import { frameFolderReader } from './frame-folder-reader'
import { tumReader } from './tum-reader'
import { tumPoseListReader } from './tum-pose-list-reader'

export const formatReaders: readonly FormatReader[] = [tumReader, tumPoseListReader, frameFolderReader]
