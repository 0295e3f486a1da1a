import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { ClassSetDetail, ProbeStatus } from '../../contract'
import type { Services } from '../../services/create-services'
import { defaultPalette } from '../../services/classes/builtin-class-sets'
import type { CliContext } from '../cli-context'

/** Runs `work` with the services and disposes them after. */
function withServices(ctx: CliContext, work: (services: Services) => Promise<void>): () => Promise<void> {
  return async () => {
    const services = await ctx.services()
    try {
      await work(services)
    } finally {
      await services.dispose()
    }
  }
}

async function waitForJob(services: Services, jobId: string): Promise<void> {
  const onSigint = () => void services.api.jobs.cancel({ id: jobId })
  process.once('SIGINT', onSigint)
  try {
    for (;;) {
      const job = (await services.api.jobs.list()).find((j) => j.id === jobId)
      if (job && job.state !== 'running') {
        if (job.state !== 'done') throw new Error(job.error ?? `${job.title}: ${job.state}`)
        return
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    process.off('SIGINT', onSigint)
  }
}

export function registerClassesCommand(program: Command, ctx: CliContext): void {
  const classes = program
    .command('classes')
    .description(
      'class sets: list, show, create, duplicate, rename, remove, train a probe, compute means, import/export',
    )
  classes
    .command('list')
    .description('every class set (built-in and pack sets are read-only)')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) =>
      withServices(ctx, async (services) => {
        const sets = await services.api.classes.list()
        if (flags.json) return ctx.json(sets)
        for (const s of sets)
          ctx.out(
            `${s.id.padEnd(28)} ${s.name.padEnd(24)} ${String(s.classCount).padStart(4)} classes  ${s.source}${s.readOnly ? ' (read-only)' : ''}  modes: ${s.modes.join(', ') || 'none'}`,
          )
        for (const p of await services.api.classes.problems())
          ctx.out(`problem: ${p.problem.startsWith(p.file) ? p.problem : `${p.file}: ${p.problem}`} (left out)`)
      })(),
    )
  classes
    .command('show')
    .argument('<id>')
    .option('--json', 'print JSON')
    .description('classes of a set with colours, prompts and hotkeys, and its probe status')
    .action((id: string, flags: { json?: boolean }) =>
      withServices(ctx, async (services) => {
        const set = await services.api.classes.get({ id })
        const probe = await services.api.classes.probeStatus({ classSetId: id })
        if (flags.json) return ctx.json({ ...set, probe })
        for (const line of setLines(set, probe)) ctx.out(line)
      })(),
    )
  classes
    .command('create')
    .argument('<name>')
    .option('--class <name...>', 'class names (prompts = the name)')
    .description('a new user class set')
    .action((name: string, flags: { class?: string[] }) =>
      withServices(ctx, async (services) => {
        const defs = flags.class?.map((n, k) => ({
          name: n,
          color: defaultPalette[k % defaultPalette.length] as [number, number, number],
          prompts: [n],
          hotkey: k < 9 ? k + 1 : null,
        }))
        ctx.out(`created ${(await services.api.classes.create({ name, classes: defs })).id}`)
      })(),
    )
  classes
    .command('duplicate')
    .argument('<id>')
    .argument('<name>')
    .description('copy a set (with means and probe) into an editable user set')
    .action((id: string, name: string) =>
      withServices(ctx, async (services) =>
        ctx.out(`created ${(await services.api.classes.duplicate({ id, name })).id}`),
      )(),
    )
  classes
    .command('rename')
    .argument('<id>')
    .argument('<name>')
    .description('rename a user set')
    .action((id: string, name: string) =>
      withServices(ctx, async (services) =>
        ctx.out(`renamed to ${(await services.api.classes.rename({ id, name })).name}`),
      )(),
    )
  classes
    .command('remove')
    .argument('<id>')
    .description('delete a user set and its labels')
    .action((id: string) =>
      withServices(ctx, async (services) => {
        await services.api.classes.remove({ id })
        ctx.out(`removed ${id}`)
      })(),
    )
  classes
    .command('train')
    .argument('<id>')
    .option('--session <id...>', "only these sessions' labels")
    .option('--epochs <n>', 'epochs', (v) => Number(v))
    .description("train the linear probe on the set's labels")
    .action((id: string, flags: { session?: string[]; epochs?: number }) =>
      withServices(ctx, async (services) => {
        const { jobId } = await services.api.classes.trainProbe({
          classSetId: id,
          sessionIds: flags.session,
          epochs: flags.epochs,
        })
        await waitForJob(services, jobId)
        for (const line of probeLines(
          await services.api.classes.probeStatus({ classSetId: id }),
          (await services.api.classes.get({ id })).classes.map((c) => c.name),
        ))
          ctx.out(line)
      })(),
    )
  classes
    .command('means')
    .argument('<id>')
    .option('--session <id...>', "only these sessions' labels")
    .description("visual means from the set's labels")
    .action((id: string, flags: { session?: string[] }) =>
      withServices(ctx, async (services) => {
        await waitForJob(
          services,
          (await services.api.classes.computeMeans({ classSetId: id, sessionIds: flags.session })).jobId,
        )
        ctx.out(`visual means written for ${id}`)
      })(),
    )
  classes
    .command('import')
    .description('add a class set from a file as a user set')
    .argument('<file>', 'class-set JSON (.npy beside it), e.g. a converted probe')
    .option('--name <name>', 'name of the new set')
    .action((file: string, flags: { name?: string }) =>
      withServices(ctx, async (services) => {
        ctx.out(
          `imported as ${(await services.api.classes.importClassSet({ path: resolve(file), name: flags.name })).id}`,
        )
      })(),
    )
  classes
    .command('export')
    .argument('<id>')
    .argument('<dir>')
    .description('write <id>.json and its .npy files')
    .option('--overwrite', 'replace files of the same names in <dir>')
    .action((id: string, dir: string, flags: { overwrite?: boolean }) =>
      withServices(ctx, async (services) => {
        const { files } = await services.api.classes.exportClassSet({
          id,
          outDir: resolve(dir),
          overwrite: Boolean(flags.overwrite),
        })
        for (const f of files) ctx.out(f)
      })(),
    )
  classes
    .command('import-labels')
    .argument('<session>')
    .argument('<id>')
    .argument('<dir>')
    .description(
      'labels from a folder of index-mask PNGs plus classes.json, or of a COCO panoptic panoptic_*.json with its PNG folder (classes matched by name)',
    )
    .action((sessionId: string, id: string, dir: string) =>
      withServices(ctx, async (services) => {
        const { frames } = await services.api.classes.importLabels({ sessionId, classSetId: id, dir: resolve(dir) })
        ctx.out(`${frames.length} labelled frames imported into ${id}`)
      })(),
    )
  classes
    .command('export-labels')
    .argument('<session>')
    .argument('<id>')
    .argument('<dir>')
    .description(
      'one index-mask PNG per labelled frame plus classes.json; --coco: one COCO semantic-segmentation JSON (RLE); --coco-panoptic: COCO panoptic JSON + segment PNGs (for CVAT / Label Studio)',
    )
    .option('--coco', 'write <session>.<id>.coco.json instead of PNGs')
    .option('--coco-panoptic', 'write panoptic_<session>.<id>.json and its folder of segment PNGs instead')
    .option('--overwrite', 'replace files of the same names in <dir>')
    .action(
      (
        sessionId: string,
        id: string,
        dir: string,
        flags: { coco?: boolean; cocoPanoptic?: boolean; overwrite?: boolean },
      ) =>
        withServices(ctx, async (services) => {
          if (flags.coco && flags.cocoPanoptic) throw new Error('Choose one of --coco and --coco-panoptic.')
          const format = flags.coco ? 'coco' : flags.cocoPanoptic ? 'coco-panoptic' : 'png'
          const { files } = await services.api.classes.exportLabels({
            sessionId,
            classSetId: id,
            outDir: resolve(dir),
            format,
            overwrite: Boolean(flags.overwrite),
          })
          ctx.out(
            format === 'coco'
              ? `COCO → ${files[0]}`
              : format === 'coco-panoptic'
                ? `COCO panoptic → ${files[0]} and ${files.length - 1} segment PNGs`
                : `${files.length - 1} masks and classes.json → ${resolve(dir)}`,
          )
        })(),
    )
}

function setLines(set: ClassSetDetail, probe: ProbeStatus): string[] {
  const lines = [
    `${set.name} (${set.id}, ${set.source}${set.readOnly ? ', read-only' : ''}): ${set.classCount} classes, modes ${set.modes.join(', ') || 'none'}`,
  ]
  set.classes.forEach((c, k) =>
    lines.push(
      `  ${String(k + 1).padStart(3)} ${c.name.padEnd(24)} rgb(${c.color.join(',')})${c.hotkey ? `  key ${c.hotkey}` : ''}  prompts: ${c.prompts.join(' | ') || c.name}`,
    ),
  )
  return [
    ...lines,
    ...probeLines(
      probe,
      set.classes.map((c) => c.name),
    ),
  ]
}

function probeLines(probe: ProbeStatus, names: string[]): string[] {
  if (probe.state === 'none') return ['probe: not trained']
  const acc = probe.heldOutAccuracy === null ? 'n/a' : `${(100 * probe.heldOutAccuracy).toFixed(1)} %`
  const lines = [
    `probe: ${probe.state}${probe.error ? ` (${probe.error})` : ''}, ${probe.trainPixels} train / ${probe.heldOutPixels} held-out pixels, held-out accuracy ${acc}, loss ${probe.lossCurve.map((l) => l.toFixed(3)).join(' → ')}, ${probe.seconds.toFixed(1)} s`,
  ]
  names.forEach((name, k) => {
    const conf = probe.perClassConfidence[k]
    lines.push(
      `  ${name.padEnd(24)} ${String(probe.pixelsPerClass[k] ?? 0).padStart(7)} px  confidence ${conf == null ? '—' : conf.toFixed(2)}`,
    )
  })
  return lines
}
