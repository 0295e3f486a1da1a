/**
 * What the shipped demo pack (v8) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.90 (docs/QUERY.md) and the console's own
 * evaluation. Tests that check the console's answers against ground truth leave these out by name, so
 * a model change that fixes or adds a mistake shows up as a failing test to update with the new
 * measurement.
 */

/**
 * In the walk, but no frame passes the threshold (per-frame recall 0 %). None with v8, which finds the
 * trash bin at 73 % recall (33 % precision); v6 and v7 passed no frame of it.
 */
export const unrecognisedOnDemoWalk: string[] = []

/**
 * In the walk, but the fused map's best pin is not on it: the chair's best pin is on unlabelled voxels.
 * The armchair, the bean bag and the trash bin are pinned on their own voxels.
 */
export const notPinnedOnDemoMap = ['chair']

/** Not in the walk, but some frames pass the threshold: the curtain (peak 0.91) and the box (0.97); the massage chair (0.39) does not. */
export const falseAlarmsOnDemoWalk = ['curtain', 'box']

/**
 * Not in the walk and no frame passes, but the fused map pins it (its voxels' averaged embeddings can
 * score higher than each single view of them). None with v6 to v8; v5 pinned the massage chair.
 */
export const mapOnlyFalseAlarmsOnDemoWalk: string[] = []

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the tv (6 visits for 4), the shelf (5 for 3), the
 * table (4 for 2), the trash bin (6 for 2), the sofa (3 for 5), the picture and the chair (their last
 * visits after the true ones). v8 counts the armchair right (5 for 5); v7 counted the tv and the shelf
 * within one.
 */
export const reliableOnDemoWalk = ['plant', 'cabinet', 'window', 'door', 'bean bag', 'lamp', 'rug', 'armchair', 'bed']

/**
 * Asked where they are, the first moment (the best frame of the first visit) is a false frame. None of
 * the README's and the Ask placeholder's examples (v3's tv showed the dark bed through a doorway; v4 to
 * v8 show the tv).
 */
export const wrongFirstMomentOnDemoWalk: string[] = []

/** The per-class floor: every class in the walk ≥ 30 IoU with the linear probe. */
export const probeFloorIou = 30

/**
 * In the walk, and under the floor with the probe (the console's own evaluation; models/demo/README.md):
 * the chair (26.8; v7 15.5) and the trash bin (23.2; v7 29.0), thin or small at the model's quarter resolution.
 */
export const belowProbeFloorOnDemoWalk = ['chair', 'trash bin']
