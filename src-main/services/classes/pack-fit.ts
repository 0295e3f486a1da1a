/**
 * Whether the active model pack and a class set fit a recording, as plain notices with what to do:
 * a pack trained on narrow data (the demo pack's synthetic world) on a recording from elsewhere, a
 * class set whose names miss most of the recording's labelled classes, and a set without a probe
 * for the pack (or one trained for another model). One decision for every view that shows them.
 */
import type { FitNotice, SessionManifest } from '../../contract'
import type { ActiveModelPack } from '../ports'
import type { StoredClassSet } from './class-set-store'

const modelsDoc = 'docs/MODELS.md'

export function fitNotices(
  pack: ActiveModelPack | null,
  session: SessionManifest,
  set: StoredClassSet | null,
): FitNotice[] {
  const notices: FitNotice[] = []
  if (!pack) return notices
  const trainedOn = pack.manifest.trainedOn
  if (trainedOn && !trainedOn.sourceFormats.includes(session.source.format)) {
    notices.push({
      id: `domain:${pack.id}:${session.id}`,
      message: `The model pack "${pack.manifest.name}" was trained only on ${trainedOn.description}. "${session.name}" (${session.source.format}) is not from that world, so its classes and scores here mean nothing, however confident they look.`,
      action: `Bring the real DVEFormer model and its CLIP text tower: ${modelsDoc}.`,
    })
  }
  if (!set) return notices
  const labelled = (session.labelClasses ?? []).filter((c) => c.id !== 0).map((c) => c.name)
  const names = new Set(set.classes.map((c) => c.name.trim().toLowerCase()))
  const missing = labelled.filter((n) => !names.has(n.trim().toLowerCase()))
  if (labelled.length > 0 && missing.length * 2 > labelled.length) {
    notices.push({
      id: `vocabulary:${set.id}:${session.id}`,
      message: `Class set "${set.name}" names ${labelled.length - missing.length} of the ${labelled.length} classes labelled in "${session.name}" (missing: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}).`,
      action: 'Choose a set that covers them, or add them to a set of your own in Classes.',
    })
  }
  const dim = pack.manifest.image.embeddingDim
  if (set.hasProbe && set.embeddingDim !== null && set.embeddingDim !== dim) {
    notices.push({
      id: `probe-dim:${set.id}:${pack.id}`,
      message: `Class set "${set.name}" has a probe for a ${set.embeddingDim}-dimensional model; the pack "${pack.manifest.name}" embeds in ${dim}, so its probe and visual means cannot run.`,
      action: `Activate the pack the probe was trained for, or retrain the probe on labels in Classes (${modelsDoc} §4 converts the authors' probes).`,
    })
  } else if (!set.hasProbe) {
    notices.push({
      id: `no-probe:${set.id}:${pack.id}`,
      message: `Class set "${set.name}" has no linear probe for the pack "${pack.manifest.name}": only text${set.hasMeans ? ' and visual-mean' : ''} mode can run, which is the weakest.`,
      action:
        set.source === 'user'
          ? 'Paint labels of two or more classes in Classes to train one.'
          : `Duplicate the set in Classes and paint labels to train one, or bring the authors' probe for it (${modelsDoc} §4).`,
    })
  }
  return notices
}
