/**
 * What the shipped demo pack (v11) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.86 (docs/QUERY.md) and the console's own
 * evaluation. Tests that check the console's answers against ground truth leave these out by name, so
 * a model change that fixes or adds a mistake shows up as a failing test to update with the new
 * measurement.
 */

/**
 * In the walk, but no frame passes the threshold (per-frame recall 0 %). None with v11, which finds the
 * trash bin at 100 % recall but 18 % precision (v10 27 % at 60 %, v8 73 % at 33 %); v6, v7 and v9 passed no frame of it at
 * the threshold of the best pooled F1, which calibration no longer takes when it cuts a class off.
 */
export const unrecognisedOnDemoWalk: string[] = []

/**
 * In the walk, but the fused map's best pin is not on it. None since v10 (v8's chair was pinned on
 * unlabelled voxels); the armchair, the bean bag, the chair and the trash bin are pinned on their own voxels.
 */
export const notPinnedOnDemoMap: string[] = []

/** Not in the walk, but some frames pass the threshold: the curtain (peak 0.90) and the box (0.98); the massage chair (0.48) does not. */
export const falseAlarmsOnDemoWalk = ['curtain', 'box']

/**
 * Not in the walk and no frame passes, but the fused map pins it (its voxels' averaged embeddings can
 * score higher than each single view of them). None with v6 to v11; v5 pinned the massage chair.
 */
export const mapOnlyFalseAlarmsOnDemoWalk: string[] = []

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the tv (6 visits for 4), the shelf (5 for 3), the
 * rug (2 for 4), the trash bin (4 for 2), the picture (5 for 4, its last visit after the true ones) and
 * the chair (its last visit after the true ones). v11 counts the lamp within one again (v10: 1 for 3)
 * and loses the shelf and the rug (v10 counted them within one).
 */
export const reliableOnDemoWalk = [
  'plant',
  'cabinet',
  'window',
  'door',
  'bean bag',
  'armchair',
  'bed',
  'sofa',
  'table',
  'lamp',
]

/**
 * Asked where they are, the first moment (the best frame of the first visit) is a false frame. None of
 * the README's and the Ask placeholder's examples (v3's tv showed the dark bed through a doorway; v4 to
 * v11 show the tv).
 */
export const wrongFirstMomentOnDemoWalk: string[] = []

/** The per-class floor: every class in the walk ≥ 30 IoU with the linear probe. */
export const probeFloorIou = 30

/**
 * In the walk, and under the floor with the probe (the console's own evaluation; models/demo/README.md):
 * none with v11, whose chair (30.4) and trash bin (30.6) pass it narrowly (v10: the trash bin 28.2; v8:
 * the chair 26.8 and the trash bin 23.2).
 */
export const belowProbeFloorOnDemoWalk: string[] = []
