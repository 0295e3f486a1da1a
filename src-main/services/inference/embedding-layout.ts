/** Row normalisation for vectors the console keeps (text embeddings, synthetic maps). */

/** L2-normalises consecutive rows of `dim` in place; all-zero rows stay zero. */
export function normaliseRows(data: Float32Array, dim: number): void {
  for (let o = 0; o < data.length; o += dim) {
    let sum = 0
    for (let c = 0; c < dim; c++) sum += (data[o + c] as number) ** 2
    if (sum === 0) continue
    const inv = 1 / Math.sqrt(sum)
    for (let c = 0; c < dim; c++) data[o + c] = (data[o + c] as number) * inv
  }
}
