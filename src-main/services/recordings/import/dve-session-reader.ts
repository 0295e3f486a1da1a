/** Our own session folders (`session.json`): re-import copies every frame with full validation. */
import { ConsoleError, sessionManifestSchema, type SessionManifest } from '../../../contract'
import type { FormatReader } from './import-plan'
import type { SourceTree } from './source-tree'
import { maxManifestBytes, readSourceText } from '../../security/source-confinement'
import { parseJsonQuietly } from '../../security/quiet-json'

async function readManifest(tree: SourceTree): Promise<SessionManifest> {
  const path = tree.path('session.json')
  const json = parseJsonQuietly(await readSourceText(path, maxManifestBytes, 'a session manifest'), path)
  const parsed = sessionManifestSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError(
      'bad_file',
      `${path}: ${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'}.`,
      { file: path },
    )
  }
  return parsed.data
}

export const dveSessionReader: FormatReader = {
  format: 'dve',
  label: 'DVE Console session (session.json)',
  async detect(tree) {
    if (tree.singleFile || !(await tree.hasFile('', 'session.json'))) return null
    const manifest = await readManifest(tree).catch(() => null)
    return manifest
      ? {
          confidence: 1,
          reason: `session.json of "${manifest.name}" found`,
          frameCount: manifest.frames.length,
          needs: [],
        }
      : {
          confidence: 0.5,
          reason: 'session.json found but it is not a valid session manifest',
          frameCount: null,
          needs: [],
        }
  },
  async plan(tree) {
    const manifest = await readManifest(tree)
    const classes = manifest.labelClasses ?? []
    // Label images are rewritten as 8-bit index PNGs, so ids above 255 cannot be carried over.
    const carryLabels = classes.length > 0 && classes.every((c) => c.id <= 255)
    const warnings =
      classes.length > 0 && !carryLabels
        ? ['Labels were not carried over: class ids above 255 do not fit 8-bit label images.']
        : []
    if (manifest.instances) warnings.push('Instance masks are not carried over by re-import.')
    return {
      camera: { fx: manifest.camera.fx, fy: manifest.camera.fy, cx: manifest.camera.cx, cy: manifest.camera.cy },
      depthUnitMeters: manifest.depthUnitMeters,
      depthInvalidValues: manifest.depthInvalidValues,
      depthEncoding: 'plain',
      frames: manifest.frames.map((f) => ({
        sourceName: f.sourceName,
        timestampSec: f.timestampSec,
        rgb: { kind: 'file', path: tree.path(f.rgb) },
        depth: { kind: 'file', path: tree.path(f.depth) },
        worldFromCamera: f.worldFromCamera,
        poseOrigin: { file: tree.path('session.json') },
        ...(carryLabels && f.labels ? { labels: { kind: 'file' as const, path: tree.path(f.labels) } } : {}),
      })),
      issues: [],
      warnings,
      ...(carryLabels ? { labels: { classes, idOfValue: new Map(classes.map((c) => [c.id, c.id])) } } : {}),
    }
  },
}
