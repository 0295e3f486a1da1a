/**
 * Points drawn while the camera moves, adapted to whatever draws them so moving frames come about
 * every 33 ms (30 frames/s): a software renderer gets fewer points, a strong GPU more. The Map view and
 * the render benchmark share it, so the benchmark measures the budget a person gets.
 */
export const interactiveFrameMs = 33

export class InteractiveBudget {
  constructor(private budget = 150_000) {}

  get points(): number {
    return this.budget
  }

  /** `frameMs`: the interval between two moving frames (the GPU's time included); long gaps are pauses. */
  update(frameMs: number): void {
    if (!frameMs || frameMs > 500) return
    // Frames between 70 % and 100 % of the target keep the budget: at most 33 ms, at least 30 frames/s.
    if (frameMs > interactiveFrameMs) this.budget = Math.max(20_000, Math.round(this.budget * 0.75))
    else if (frameMs < interactiveFrameMs * 0.7) this.budget = Math.min(2_000_000, Math.round(this.budget * 1.15))
  }
}
