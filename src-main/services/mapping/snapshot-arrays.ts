/**
 * Where a map snapshot's arrays are allocated. A snapshot made in the fusion thread is handed to the
 * main thread, whose collector frees it there much later. glibc malloc raises its mmap threshold (up to
 * 32 MiB) each time a mapped block is freed, so after the first snapshots their arrays (MBs each) came
 * from the fusion thread's malloc arena, and each next snapshot, a little bigger as the map grows, did
 * not fit the holes the last had left, so the arena grew by a 64 MiB heap over a live session. Blocks
 * above 32 MiB are always mapped on their own and unmapped when freed (the arenas then stopped growing
 * after the first minute: docs/BENCHMARKS.md, "Live: the map's snapshots in mapped blocks"), and the
 * pages of a block that no array reaches are never touched, so they cost no memory.
 */

/** Above glibc's largest dynamic mmap threshold (32 MiB on 64-bit), so every block is mapped on its own. */
export const snapshotBlockBytes = 32 * 2 ** 20 + 2 ** 16

type ArrayKind =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor

/** Makes typed arrays; a snapshot passes `SnapshotArrays`, everything else may use `heapArrays`. */
export interface ArrayMaker {
  make<K extends ArrayKind>(kind: K, length: number): InstanceType<K>
}

/** Plain `new` arrays, each its own buffer. */
export const heapArrays: ArrayMaker = {
  make: <K extends ArrayKind>(kind: K, length: number) => new kind(length) as InstanceType<K>,
}

/** Carves arrays (8-byte aligned) from blocks of at least `snapshotBlockBytes`; a new block when one is full. */
export class SnapshotArrays implements ArrayMaker {
  private block = new ArrayBuffer(0)
  private used = 0

  make<K extends ArrayKind>(kind: K, length: number): InstanceType<K> {
    const bytes = Math.ceil((length * kind.BYTES_PER_ELEMENT) / 8) * 8
    if (this.used + bytes > this.block.byteLength) {
      this.block = new ArrayBuffer(Math.max(snapshotBlockBytes, bytes))
      this.used = 0
    }
    const array = new kind(this.block, this.used, length) as InstanceType<K>
    this.used += bytes
    return array
  }
}
