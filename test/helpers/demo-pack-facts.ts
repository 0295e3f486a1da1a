/**
 * What the shipped demo pack (v5) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.90 (docs/QUERY.md) and the console's own
 * evaluation. Tests that check the console's answers against ground truth leave these out by name, so
 * a model change that fixes or adds a mistake shows up as a failing test to update with the new
 * measurement.
 */

/** In the walk, but no frame passes the threshold (per-frame recall 0 %). None with v5: v4's armchair is found at 11 %. */
export const unrecognisedOnDemoWalk: string[] = []

/**
 * In the walk, but the fused map's best pin is not on it: the chair's best pin is on 58 unlabelled
 * voxels. The armchair (19 voxels) and the bean bag are pinned on their own voxels.
 */
export const notPinnedOnDemoMap = ['chair']

/** Not in the walk, but some frames pass the threshold: the curtain (peak 0.95) and the box (0.91); the massage chair (0.69) does not. */
export const falseAlarmsOnDemoWalk = ['curtain', 'box']

/**
 * Not in the walk and no frame passes, but the fused map pins it: its voxels' averaged embeddings score
 * higher than any single view of them. The massage chair.
 */
export const mapOnlyFalseAlarmsOnDemoWalk = ['massage chair']

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the shelf (5 visits for 3), the sofa (3 for 5),
 * the table (4 for 2), the trash bin (5 for 2), the bed (5 for 3), the picture (5 for 4, its last a
 * false frame), the armchair (3 for 5) or the chair (whose first moment is a false frame).
 */
export const reliableOnDemoWalk = ['plant', 'cabinet', 'window', 'door', 'tv', 'bean bag', 'lamp', 'rug']

/**
 * Asked where they are, the first moment (the best frame of the first visit) is a false frame. None of
 * the README's and the Ask placeholder's examples (v3's tv showed the dark bed through a doorway; v4 and
 * v5 show the tv).
 */
export const wrongFirstMomentOnDemoWalk: string[] = []

/** The per-class floor: every class in the walk ≥ 30 IoU with the linear probe. */
export const probeFloorIou = 30

/**
 * In the walk, and under the floor with the probe (the console's own evaluation; models/demo/README.md):
 * the chair (8) and the trash bin (24), thin or small at the model's quarter resolution.
 */
export const belowProbeFloorOnDemoWalk = ['chair', 'trash bin']
