/**
 * What the shipped demo pack (v7) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.92 (docs/QUERY.md) and the console's own
 * evaluation. Tests that check the console's answers against ground truth leave these out by name, so
 * a model change that fixes or adds a mistake shows up as a failing test to update with the new
 * measurement.
 */

/**
 * In the walk, but no frame passes the threshold (per-frame recall 0 %): the trash bin (v7 0.92, v6
 * 0.93 with its peak at 0.88; v5 found it at 55 % recall and its 0.90).
 */
export const unrecognisedOnDemoWalk = ['trash bin']

/**
 * In the walk, but the fused map's best pin is not on it: the chair's best pin is on unlabelled voxels.
 * The armchair, the bean bag and the trash bin (whose frames do not pass) are pinned on their own voxels.
 */
export const notPinnedOnDemoMap = ['chair']

/** Not in the walk, but some frames pass the threshold: the curtain (peak 0.94) and the box (0.94); the massage chair (0.39) does not. */
export const falseAlarmsOnDemoWalk = ['curtain', 'box']

/**
 * Not in the walk and no frame passes, but the fused map pins it (its voxels' averaged embeddings can
 * score higher than each single view of them). None with v6 and v7; v5 pinned the massage chair.
 */
export const mapOnlyFalseAlarmsOnDemoWalk: string[] = []

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the table (4 visits for 2), the picture (its last
 * visit after the true ones), the sofa (3 for 5), the armchair (3 for 5), the chair (its last visit after
 * the true ones) or the trash bin (never found). v6 counted the table and the picture right and the
 * shelf wrong (5 for 3; v7 4 for 3).
 */
export const reliableOnDemoWalk = [
  'plant',
  'cabinet',
  'window',
  'door',
  'tv',
  'bean bag',
  'lamp',
  'rug',
  'shelf',
  'bed',
]

/**
 * Asked where they are, the first moment (the best frame of the first visit) is a false frame. None of
 * the README's and the Ask placeholder's examples (v3's tv showed the dark bed through a doorway; v4 to
 * v7 show the tv).
 */
export const wrongFirstMomentOnDemoWalk: string[] = []

/** The per-class floor: every class in the walk ≥ 30 IoU with the linear probe. */
export const probeFloorIou = 30

/**
 * In the walk, and under the floor with the probe (the console's own evaluation; models/demo/README.md):
 * the chair (15.5; v6 24) and the trash bin (29.0; v6 23), thin or small at the model's quarter resolution.
 */
export const belowProbeFloorOnDemoWalk = ['chair', 'trash bin']
