/**
 * The authors' class lists (dveformer-model-facts.md §11): names verbatim (they go into prompts as
 * they are), NYUv2 palette, void left out so class index k is the dataset id k + 1 as the model's
 * outputs are indexed. Read-only: duplicate one to edit it.
 */
import type { ClassDef } from '../../contract'

type Rgb = [number, number, number]

export const nyuv2Names = [
  'wall',
  'floor',
  'cabinet',
  'bed',
  'chair',
  'sofa',
  'table',
  'door',
  'window',
  'bookshelf',
  'picture',
  'counter',
  'blinds',
  'desk',
  'shelves',
  'curtain',
  'dresser',
  'pillow',
  'mirror',
  'floor mat',
  'clothes',
  'ceiling',
  'books',
  'refrigerator',
  'television',
  'paper',
  'towel',
  'shower curtain',
  'box',
  'whiteboard',
  'person',
  'night stand',
  'toilet',
  'sink',
  'lamp',
  'bathtub',
  'bag',
  'otherstructure',
  'otherfurniture',
  'otherprop',
]

export const scannet20Names = [
  'wall',
  'floor',
  'cabinet',
  'bed',
  'chair',
  'sofa',
  'table',
  'door',
  'window',
  'bookshelf',
  'picture',
  'counter',
  'desk',
  'curtain',
  'refrigerator',
  'shower curtain',
  'toilet',
  'sink',
  'bathtub',
  'otherfurniture',
]

/** PASCAL-VOC bit-interleaved colormap (`get_colormap`), the palette DVEFormer draws every dataset with. */
export function vocColor(datasetId: number): Rgb {
  const color: Rgb = [0, 0, 0]
  let id = datasetId
  for (let shift = 7; shift >= 0; shift--) {
    for (let channel = 0; channel < 3; channel++)
      color[channel] = (color[channel] as number) | (((id >> channel) & 1) << shift)
    id >>= 3
  }
  return color
}

export interface BuiltinClassSet {
  id: string
  name: string
  classes: ClassDef[]
}

function fromNames(names: string[]): ClassDef[] {
  return names.map((name) => ({ name, color: vocColor(nyuv2Names.indexOf(name) + 1), prompts: [name], hotkey: null }))
}

export const builtinClassSets: BuiltinClassSet[] = [
  { id: 'nyuv2-40', name: 'NYUv2-40', classes: fromNames(nyuv2Names) },
  { id: 'sunrgbd-37', name: 'SUNRGB-D-37', classes: fromNames(nyuv2Names.slice(0, 37)) },
  { id: 'scannet-20', name: 'ScanNet-20', classes: fromNames(scannet20Names) },
]

/** Okabe-Ito, then Tol's muted scheme: colour-blind-safe defaults for new classes. */
export const defaultPalette: Rgb[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
  [51, 34, 136],
  [136, 204, 238],
  [68, 170, 153],
  [17, 119, 51],
  [153, 153, 51],
  [221, 204, 119],
  [204, 102, 119],
  [136, 34, 85],
  [170, 68, 153],
]
