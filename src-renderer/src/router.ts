/** The console's views. Hash history: works from file:// (Electron) and the browser-mode server. */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

export interface NavEntry {
  path: string
  name: string
  label: string
  icon: string
  hint: string
}

export const navEntries: NavEntry[] = [
  { path: '/library', name: 'library', label: 'Library', icon: '▤', hint: 'Recorded sessions and imports' },
  { path: '/player', name: 'player', label: 'Player', icon: '▶', hint: 'Replay RGB-D frames' },
  { path: '/segmentation', name: 'segmentation', label: 'Segmentation', icon: '◧', hint: 'Class maps and PCA' },
  { path: '/classes', name: 'classes', label: 'Classes', icon: '✎', hint: 'Class sets, labels and probes' },
  { path: '/ask', name: 'ask', label: 'Ask', icon: '?', hint: 'Free-text queries' },
  { path: '/map', name: 'map', label: 'Map', icon: '⬡', hint: '3D map explorer' },
  { path: '/models', name: 'models', label: 'Models', icon: '◈', hint: 'Model packs and providers' },
]

const views: Record<string, () => Promise<unknown>> = {
  library: () => import('./views/LibraryView.vue'),
  player: () => import('./views/PlayerView.vue'),
  segmentation: () => import('./views/SegmentationView.vue'),
  classes: () => import('./views/ClassesView.vue'),
  ask: () => import('./views/AskView.vue'),
  map: () => import('./views/MapView.vue'),
  models: () => import('./views/ModelsView.vue'),
}

export function createConsoleRouter() {
  const routes: RouteRecordRaw[] = [
    { path: '/', redirect: '/library' },
    ...navEntries.map((entry) => ({
      path: entry.path,
      name: entry.name,
      component: views[entry.name] as () => Promise<never>,
    })),
  ]
  return createRouter({ history: createWebHashHistory(), routes })
}
