/**
 * What the shipped demo pack (v3) gets wrong on the shipped walk (v2), measured with
 * `dve calibrate demo-apartment` at the pack's threshold 0.87 (docs/QUERY.md). Tests that check the
 * console's answers against ground truth leave these out by name, so a model change that fixes or
 * adds a mistake shows up as a failing test to update with the new measurement.
 */

/** In the walk, but no frame passes the threshold (per-frame recall 0 %). */
export const unrecognisedOnDemoWalk = ['armchair', 'bean bag', 'chair']

/**
 * In the walk, and no voxel of the fused map passes either, so the map pins nothing. The bean bag is
 * pinned, on bean-bag voxels: a voxel averages the frames that saw it, and its best voxels pass where
 * no single frame does.
 */
export const unpinnedOnDemoMap = ['armchair', 'chair']

/**
 * Not in the walk, but some frames pass the threshold: box (peak 0.89), massage chair (0.91) and
 * curtain (0.97). These are all the vocabulary classes the walk lacks.
 */
export const falseAlarmsOnDemoWalk = ['box', 'curtain', 'massage chair']

/**
 * Their visits, as the answer counts them, match the truth's within one and the last one overlaps the
 * truth's last two (measured; the test checks it). Not the table (4 visits for 2) or the trash bin (5
 * for 2), nor the lamp, picture and bed, whose last reported visit is a false frame after their last
 * true one.
 */
export const reliableOnDemoWalk = ['plant', 'tv', 'cabinet', 'window', 'shelf', 'door', 'sofa', 'rug']

/**
 * Asked where they are, the first moment (the best frame of the first visit) is a false frame: the tv's
 * is frame 48, the dark bed seen through a doorway (relevancy 0.998); its later visits' moments show it.
 */
export const wrongFirstMomentOnDemoWalk = ['tv']
