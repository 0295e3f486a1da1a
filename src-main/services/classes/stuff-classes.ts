/**
 * Which classes are "stuff" (amorphous regions: one segment per class and frame) and which are
 * "things" (countable objects: one segment per connected region) in the COCO panoptic exchange.
 * Class sets carry no such flag, so the rule goes by name: the room's surfaces and the outdoor
 * ground/sky classes of COCO-Stuff and the NYUv2/ScanNet panoptic splits are stuff, everything else
 * is a thing. One rule in one place, written into the export's `isthing` and documented in
 * docs/EVALUATION.md.
 */
const stuffNames = new Set([
  'wall',
  'floor',
  'ceiling',
  'floor mat',
  'carpet',
  'rug',
  'sky',
  'ground',
  'road',
  'grass',
  'otherstructure',
])

export function isStuffClass(name: string): boolean {
  return stuffNames.has(name.trim().toLowerCase())
}
