/**
 * What the shipped demo pack (v2) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.89 (docs/QUERY.md). Tests that check the
 * console's answers against ground truth leave these out by name, so a model change that fixes or
 * adds a mistake shows up as a failing test to update with the new measurement.
 */

/** In the walk, but no frame passes the threshold (per-frame recall 0 %). */
export const unrecognisedOnDemoWalk = ['armchair', 'bean bag', 'chair', 'lamp', 'trash bin']

/**
 * Not in the walk, but some frames pass the threshold: box (peak 0.96, on the bean bag and a
 * cabinet) and curtain (0.97, on the bed and a window).
 */
export const falseAlarmsOnDemoWalk = ['box', 'curtain']

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the door (2 visits for 4: the truth counts
 * one-frame sightings, at 19.0 s, that the model joins or misses), the shelf (5 for 3) or the picture
 * (a false frame at 37.4 s after its last true visit), although all three pass per frame ≥ 66 %.
 */
export const reliableOnDemoWalk = ['plant', 'tv', 'cabinet', 'window', 'table']
