/**
 * What the shipped demo pack (v4) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.89 (docs/QUERY.md) and the console's own
 * evaluation. Tests that check the console's answers against ground truth leave these out by name, so
 * a model change that fixes or adds a mistake shows up as a failing test to update with the new
 * measurement.
 */

/** In the walk, but no frame passes the threshold (per-frame recall 0 %). */
export const unrecognisedOnDemoWalk = ['armchair']

/**
 * In the walk, but the fused map's best pin is not on it: the armchair gets none, the chair's best pin
 * is on 34 unlabelled voxels. The bean bag is pinned on bean-bag voxels.
 */
export const notPinnedOnDemoMap = ['armchair', 'chair']

/** Not in the walk, but some frames pass the threshold: the curtain (peak 0.99; box 0.83 and massage chair 0.48 do not). */
export const falseAlarmsOnDemoWalk = ['curtain']

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the shelf (5 visits for 3), the tv (6 for 4),
 * the table (4 for 2), the rug (2 for 4), the trash bin (5 for 2) or the chair (whose frames pass at
 * 28 % recall), nor the picture, whose last reported visit is a false frame after its last true one.
 */
export const reliableOnDemoWalk = ['plant', 'cabinet', 'window', 'door', 'sofa', 'bean bag', 'lamp', 'bed']

/**
 * Asked where they are, the first moment (the best frame of the first visit) is a false frame. None of
 * the README's and the Ask placeholder's examples now: v3's tv (frame 48, the dark bed through a
 * doorway) is frame 10 with v4, which shows the tv.
 */
export const wrongFirstMomentOnDemoWalk: string[] = []

/** The per-class floor: every class in the walk ≥ 30 IoU with the linear probe. */
export const probeFloorIou = 30

/**
 * In the walk, and under the floor with the probe (the console's own evaluation; models/demo/README.md):
 * the chair and the trash bin, thin or small at the model's quarter resolution.
 */
export const belowProbeFloorOnDemoWalk = ['chair', 'trash bin']
