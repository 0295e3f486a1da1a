/** The decisions of an import (depth reading, intrinsics, poses, order, orientation) as CLI lines, for `dve import` and `dve info`. */
import type { ImportDecisions } from '../contract'

const meters = (m: number | null): string => (m === null ? '–' : `${m.toFixed(2)} m`)

export function decisionLines(decisions: ImportDecisions, indent = '  '): string[] {
  const { depth, intrinsics, poses, order, orientation } = decisions
  return [
    `${indent}depth        ${depth.encoding}, ${depth.unitMeters} m per value (stored ${depth.storedUnitMeters} m), median ${meters(depth.medianMeters)}, ${(100 * depth.validFraction).toFixed(0)} % valid`,
    `${indent}  why        ${depth.reason}`,
    `${indent}intrinsics   fx ${intrinsics.fx.toFixed(2)} fy ${intrinsics.fy.toFixed(2)} cx ${intrinsics.cx.toFixed(2)} cy ${intrinsics.cy.toFixed(2)}`,
    `${indent}  why        ${intrinsics.reason}`,
    `${indent}poses        ${poses.convention}`,
    `${indent}  why        ${poses.reason}`,
    `${indent}order        ${order.by}`,
    `${indent}  why        ${order.reason}`,
    ...(orientation
      ? [
          `${indent}orientation  turned ${orientation.rotationDeg}° clockwise`,
          `${indent}  why        ${orientation.reason}`,
        ]
      : []),
  ]
}
