/**
 * The datasets' official class lists, so an evaluation of a class set that is one of them reports
 * in that list's order and under its name (as the papers' tables do). A set maps to a list when its
 * class names are exactly the list's names, in any order and case. ScanNet-40 uses NYUv2-40's names;
 * a set whose id names one of the two picks it, otherwise NYUv2-40 (the usual name for that list).
 */
import { nyuv2Names, scannet20Names } from './builtin-class-sets'

export interface OfficialClassList {
  id: string
  name: string
  names: string[]
}

export const officialClassLists: OfficialClassList[] = [
  { id: 'nyuv2-40', name: 'NYUv2-40', names: nyuv2Names },
  { id: 'scannet-40', name: 'ScanNet-40', names: nyuv2Names },
  { id: 'sunrgbd-37', name: 'SUN RGB-D-37', names: nyuv2Names.slice(0, 37) },
  { id: 'scannet-20', name: 'ScanNet-20', names: scannet20Names },
]

const key = (name: string) => name.trim().toLowerCase()

/**
 * The official list a class set's names form, with the set's class index per list position; null
 * when the names are not exactly one list's.
 */
export function matchOfficialList(
  classSetId: string,
  names: string[],
): { list: OfficialClassList; order: number[] } | null {
  const index = new Map(names.map((n, k) => [key(n), k]))
  if (index.size !== names.length) return null
  const matching = officialClassLists.filter(
    (list) => list.names.length === names.length && list.names.every((n) => index.has(key(n))),
  )
  const list = matching.find((l) => classSetId.includes(l.id)) ?? matching[0]
  return list ? { list, order: list.names.map((n) => index.get(key(n)) as number) } : null
}
