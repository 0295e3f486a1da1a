/**
 * A live session's Ask index, filled by the live model: each frame it embeds is pooled and added as it
 * comes, so asking a live session runs no model and rebuilds nothing. Before, each question embedded
 * every frame the model had passed by (more than half at 30 fps on a CPU) and started over whenever the
 * session had grown, so after a minute live an answer took minutes and fell further behind. The frames
 * the model passes by are left out of the search instead: at 30 fps its frames are a few apart.
 */
import { compressedIndex, fitFrames, frameLeftOut, type FrameCells, type SessionQueryIndex } from './session-index'

/** Room for half as many frames again, so the index grows by copying now and then, not per frame. */
const roomFor = (frames: number): number => Math.max(512, Math.ceil(frames * 1.5))

export class LiveQueryIndex {
  /** The first frames, held until there are enough to fit the compression on. */
  private pending: FrameCells[] = []
  /** The embedded frames' cells one after another (slot k holds frame `frameOfSlot[k]`): the frames passed by take no room. */
  private index: SessionQueryIndex | null = null
  private readonly frameOfSlot: number[] = []

  constructor(
    readonly sessionId: string,
    private readonly modelId: string,
    first: FrameCells,
  ) {
    this.add(first)
  }

  add(frame: FrameCells): void {
    if (!this.index) {
      this.pending.push(frame)
      if (this.pending.length >= fitFrames) this.fit()
      return
    }
    const slot = this.frameOfSlot.length
    if (slot >= this.index.data.frameCount) this.index = this.index.placed(roomFor(slot + 1))
    this.index.setFrame(slot, frame.timestampSec, frame.cells)
    this.frameOfSlot.push(frame.frameIndex)
  }

  /** The index over the session's first `frameCount` frames, in which every frame the model did not embed is left out. */
  snapshot(frameCount: number): SessionQueryIndex {
    const copy = (this.index ?? this.fit()).placed(frameCount, (slot) => this.frameOfSlot[slot] ?? -1)
    const { indexed } = copy.data
    for (let f = 0; f < frameCount; f++) if (indexed[f] !== 1) indexed[f] = frameLeftOut
    return copy
  }

  private fit(): SessionQueryIndex {
    const slots = this.pending.map((frame, slot) => ({ ...frame, frameIndex: slot }))
    // Once per link, on the host's main thread: ~0.25 s (the PCA ~0.19 s, encoding the 48 frames ~0.05 s).
    this.index = compressedIndex(this.sessionId, this.modelId, roomFor(slots.length), slots)
    this.frameOfSlot.push(...this.pending.map((frame) => frame.frameIndex))
    this.pending = []
    return this.index
  }
}
