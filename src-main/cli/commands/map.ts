import type { Command } from 'commander'
import { resolve } from 'node:path'
import { ConsoleError, defaultVoxelSizeMeters, type JobInfo, type MapInfo } from '../../contract'
import type { Services } from '../../services/create-services'
import type { CliContext } from '../cli-context'

interface BuildOptions {
  voxel: string
  maxDepth: string
  step: string
  geometry?: boolean
  restart?: boolean
}

export function registerMapCommand(program: Command, ctx: CliContext): void {
  const map = program.command('map').description('fused 3D map of a posed session: build, query, export, info')

  map
    .command('build')
    .description(
      "fuse the session into a voxel map (with the active model's embeddings unless --geometry); continues an interrupted build",
    )
    .argument('<session>', 'session id (see `dve sessions`)')
    .option('--voxel <metres>', 'voxel edge in metres', String(defaultVoxelSizeMeters))
    .option('--max-depth <metres>', 'ignore depth beyond this', '6')
    .option('--step <n>', 'fuse every n-th frame', '1')
    .option('--geometry', 'geometry and colour only, no model')
    .option('--restart', 'start again instead of continuing an interrupted build')
    .action(async (session: string, options: BuildOptions) => {
      await withServices(ctx, async (services) => {
        const { jobId } = await services.api.map.build({
          sessionId: session,
          voxelSizeMeters: number('--voxel', options.voxel),
          maxDepthMeters: number('--max-depth', options.maxDepth),
          frameStep: number('--step', options.step),
          geometryOnly: Boolean(options.geometry),
          resume: !options.restart,
        })
        await jobFinished(services, jobId)
        const status = await services.api.map.status({ sessionId: session })
        if (status.map) printInfo(ctx, status.map)
      })
    })

  map
    .command('export')
    .description('write the map as PLY (binary, colour/class/relevancy fields) and/or the voxel embeddings as .npy')
    .argument('<session>', 'session id')
    .option('--ply <file>', 'PLY output file')
    .option('--npy <file>', '.npy output file (float32 voxels × dim)')
    .option('--query <text>', 'fill the PLY relevancy field with this query')
    .option('--overwrite', 'replace output files that already exist')
    .action(async (session: string, options: { ply?: string; npy?: string; query?: string; overwrite?: boolean }) => {
      if (!options.ply && !options.npy)
        throw new ConsoleError('invalid_input', 'Give --ply <file> and/or --npy <file>.')
      await withServices(ctx, async (services) => {
        const result = await services.api.map.export({
          sessionId: session,
          plyPath: options.ply ? resolve(options.ply) : null,
          npyPath: options.npy ? resolve(options.npy) : null,
          queryText: options.query ?? null,
          overwrite: Boolean(options.overwrite),
        })
        for (const path of [result.plyPath, result.npyPath])
          if (path) ctx.out(`Wrote ${path} (${result.voxelCount.toLocaleString('en')} voxels)`)
      })
    })

  map
    .command('query')
    .description(
      "ask the map where something is: pins (clusters of voxels that pass the pack's threshold) with labels and voxel counts",
    )
    .argument('<session>', 'session id')
    .argument('<text>', 'what to look for, e.g. "plant"')
    .option('--pins <n>', 'at most this many pins', '5')
    .option('--json', 'print JSON')
    .action(async (session: string, text: string, options: { pins: string; json?: boolean }) => {
      await withServices(ctx, async (services) => {
        const result = await services.api.map.query({
          sessionId: session,
          text,
          maxPins: number('--pins', options.pins),
        })
        if (options.json) {
          ctx.json({
            label: result.label,
            threshold: result.threshold,
            temperature: result.temperature,
            words: result.words,
            maxRelevancy: result.maxRelevancy,
            pins: result.pins,
          })
          return
        }
        if (result.words.unknown.length > 0) {
          ctx.out(
            `The model does not know ${result.words.unknown.map((w) => `"${w}"`).join(', ')}.${result.words.suggestion ? ` Did you mean "${result.words.suggestion}"?` : ''}`,
          )
        }
        if (result.pins.length === 0)
          ctx.out(
            `"${result.label}": not in the map (no cluster of voxels reaches relevancy ${result.threshold.toFixed(2)}).`,
          )
        result.pins.forEach((pin, i) => {
          const where = pin.worldPoint.map((v) => v.toFixed(2)).join(', ')
          const what = [pin.nearLabel ? `on ${pin.nearLabel}` : null, pin.nearby ? `by ${pin.nearby}` : null]
            .filter(Boolean)
            .join(', ')
          ctx.out(
            `  ${i + 1}. ${result.label}${what ? ` (${what})` : ''} at ${where} m, ${pin.voxelCount} voxels, relevancy ${pin.relevancy.toFixed(2)}`,
          )
        })
      })
    })

  map
    .command('info')
    .description('show the saved map of a session')
    .argument('<session>', 'session id')
    .option('--json', 'print JSON')
    .action(async (session: string, options: { json?: boolean }) => {
      await withServices(ctx, async (services) => {
        const status = await services.api.map.status({ sessionId: session })
        if (options.json) ctx.json(status)
        else if (!status.hasPoses)
          ctx.out(`Session "${session}" has no poses: no fused map, only single-frame point clouds.`)
        // A damaged map is said as such (it exists but cannot be read), never as "no map yet".
        else if (status.problem)
          throw new ConsoleError(
            'bad_file',
            `The map of "${session}" is broken: ${status.problem} Build it again with: dve map build ${session} --restart`,
          )
        else if (!status.map) ctx.out(`Session "${session}" has no map yet. Build one with: dve map build ${session}`)
        else printInfo(ctx, status.map)
      })
    })
}

async function withServices(ctx: CliContext, work: (services: Services) => Promise<void>): Promise<void> {
  const services = await ctx.services()
  try {
    await work(services)
  } finally {
    await services.dispose()
  }
}

/** Resolves when the job ends; rejects with its error when it failed or was cancelled. */
function jobFinished(services: Services, jobId: string): Promise<void> {
  return new Promise((resolveJob, reject) => {
    const settle = (job: JobInfo): void => {
      if (job.id !== jobId || job.state === 'running') return
      unsubscribe()
      if (job.state === 'done') resolveJob()
      else
        reject(
          new ConsoleError(
            job.state === 'cancelled' ? 'cancelled' : 'internal',
            job.error ?? `Map build ${job.state}.`,
          ),
        )
    }
    const unsubscribe = services.events.subscribe((name, payload) => {
      if (name === 'job') settle(payload as JobInfo)
    })
    void services.api.jobs.list().then((jobs) => jobs.forEach(settle))
  })
}

function number(flag: string, value: string): number {
  const parsed = Number(value)
  if (!Number.isFinite(parsed)) throw new ConsoleError('invalid_input', `${flag}: "${value}" is not a number.`)
  return parsed
}

function printInfo(ctx: CliContext, info: MapInfo): void {
  const b = info.bounds
  const extent = b ? b.maxMeters.map((max, a) => (max - b.minMeters[a]!).toFixed(2)).join(' × ') : '—'
  ctx.out(`Map of ${info.sessionId}${info.complete ? '' : ' (incomplete: run `dve map build` again to continue)'}`)
  ctx.out(`  voxels       ${info.voxelCount.toLocaleString('en')} at ${info.voxelSizeMeters} m, extent ${extent} m`)
  ctx.out(`  frames       ${info.framesFused} fused of ${info.frameCount}`)
  ctx.out(
    `  embeddings   ${info.modelId ? `${info.modelId}: ${info.embeddingDim}-d as ${info.codeDim} int8 PCA coefficients` : 'none (geometry only)'}`,
  )
  ctx.out(`  bytes/voxel  ${info.bytesPerVoxel.toFixed(0)} on disk`)
  for (const warning of info.warnings) ctx.out(`  warning      ${warning}`)
}
