/** Builds a planned frame from colour/depth files and its pose (or records why the pose is bad). */
import type { SkippedFrame } from '../../../contract'
import type { PlannedFrame } from './import-plan'
import type { PoseOrProblem } from './pose-files'

export interface FileFrame {
  sourceName: string
  timestampSec: number | null
  rgbPath: string
  depthPath: string
  /** The frame's pose, a reason it could not be read, or null when the source has none for it. */
  pose: PoseOrProblem | null
  /** File the pose came from, for reports. */
  poseFile: string
}

/** The planned frame, or null after adding an issue when its pose could not be read. */
export function fileFrame(frame: FileFrame, issues: SkippedFrame[]): PlannedFrame | null {
  const { pose } = frame
  if (pose && 'problem' in pose) {
    issues.push({
      sourceName: frame.sourceName,
      file: frame.poseFile,
      ...(pose.line ? { line: pose.line } : {}),
      reason: pose.problem,
    })
    return null
  }
  return {
    sourceName: frame.sourceName,
    timestampSec: frame.timestampSec,
    rgb: { kind: 'file', path: frame.rgbPath },
    depth: { kind: 'file', path: frame.depthPath },
    worldFromCamera: pose?.matrix ?? null,
    ...(pose ? { poseOrigin: { file: frame.poseFile, line: pose.line } } : {}),
  }
}

export const isPlanned = (frame: PlannedFrame | null): frame is PlannedFrame => frame !== null
