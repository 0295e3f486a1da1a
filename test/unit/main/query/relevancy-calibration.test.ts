import { describe, expect, it } from 'vitest'
import {
  calibrateThreshold,
  classRecallFloor,
  type ClassEvidence,
} from '../../../../src-main/services/query/relevancy-calibration'

const frames = 100

/** A large class: shown in 80 frames at 0.95; of its 20 other frames 10 at 0.78 and 10 at 0.72 (lower thresholds cost false alarms). */
const wall: ClassEvidence = {
  name: 'wall',
  relevancyByFrame: Array.from({ length: frames }, (_, f) => (f < 80 ? 0.95 : f < 90 ? 0.78 : 0.72)),
  truth: Array.from({ length: frames }, (_, f) => f < 80),
}

/** A small class shown in 10 frames whose relevancy runs lower: two frames at `top`, eight at `top` - 0.22, `top` - 0.27 elsewhere. */
function bin(top: number): ClassEvidence {
  return {
    name: 'trash bin',
    relevancyByFrame: Array.from({ length: frames }, (_, f) => (f < 2 ? top : f < 10 ? top - 0.22 : top - 0.27)),
    truth: Array.from({ length: frames }, (_, f) => f < 10),
  }
}

const figures = (c: ReturnType<typeof calibrateThreshold>, name: string) => c.classes.find((k) => k.name === name)!

describe('calibrateThreshold', () => {
  it('takes the best pooled F1 when every class shown already passes the recall floor', () => {
    const c = calibrateThreshold([wall])
    // Any threshold in (0.78, 0.95] separates the wall perfectly; of equals the lowest candidate wins.
    expect(c.threshold).toBe(0.79)
    expect(c.f1).toBe(1)
    expect(c.floorMet).toBe(true)
  })

  it('does not cut a small class off whole to please the pooled F1 of a large one', () => {
    const pooledOnly = (2 * 80) / (2 * 80 + 10) // at 0.79–0.95: every wall frame right, every bin frame missed
    const c = calibrateThreshold([wall, bin(0.77)])
    // The bin passes a fifth of its frames from 0.77 down, all of them only at 0.55, where the wall's
    // twenty false alarms are in: 0.73–0.77 (ten false alarms, F1 164/182) beats 0.51–0.55 (F1 0.9).
    expect(classRecallFloor).toBe(0.2)
    expect(c.threshold).toBe(0.73)
    expect(c.floorMet).toBe(true)
    expect(figures(c, 'trash bin').recall).toBe(0.2)
    expect(figures(c, 'wall').precision).toBeCloseTo(80 / 90, 6)
    expect(c.f1).toBeCloseTo(164 / 182, 6)
    expect(c.f1).toBeLessThan(pooledOnly)
  })

  it('falls back to the best pooled F1, and says so, when no threshold keeps every class above the floor', () => {
    const c = calibrateThreshold([wall, bin(0.45)])
    expect(c.floorMet).toBe(false)
    expect(c.threshold).toBe(0.79)
    expect(figures(c, 'trash bin').recall).toBe(0)
  })

  it('counts every frame of an absent class as a negative and leaves glimpses unscored', () => {
    const curtain: ClassEvidence = {
      name: 'curtain',
      relevancyByFrame: Array.from({ length: frames }, (_, f) => (f === 0 ? 0.99 : 0.5)),
      truth: Array.from({ length: frames }, () => false),
    }
    const glimpsed: ClassEvidence = {
      name: 'lamp',
      relevancyByFrame: Array.from({ length: frames }, () => 0.99),
      truth: Array.from({ length: frames }, () => null),
    }
    const c = calibrateThreshold([wall, curtain, glimpsed])
    expect(figures(c, 'curtain')).toMatchObject({ present: false, precision: 0, recall: null, peakWhereAbsent: 0.99 })
    expect(figures(c, 'lamp')).toMatchObject({ present: false, precision: null, recall: null, peakWhereAbsent: 0 })
    expect(c.threshold).toBe(0.79)
    expect(c.precision).toBeCloseTo(80 / 81, 6)
    expect(c.floorMet).toBe(true)
  })
})
