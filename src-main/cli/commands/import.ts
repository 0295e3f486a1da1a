import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { z } from 'zod'
import {
  ConsoleError,
  depthEncodingIds,
  importOptionsSchema,
  sessionFormatIds,
  type ImportOptions,
  type ImportPreview,
  type ImportReport,
} from '../../contract'
import { skippedLines } from '../../services/recordings/import/skipped-summary'
import type { CliContext } from '../cli-context'
import { formatSeconds } from '../cli-format'
import { decisionLines } from '../import-decision-lines'

const poseConventions = [
  'camera-to-world',
  'world-to-camera',
  'camera-to-world-opengl',
  'world-to-camera-opengl',
  'none',
] as const

interface ImportFlags {
  format?: ImportOptions['format']
  name?: string
  depthScale?: string
  depthUnit?: string
  fx?: string
  fy?: string
  cx?: string
  cy?: string
  poseFile?: string
  invalidDepth?: string
  maxDt?: string
  pgmByteOrder?: 'auto' | 'big' | 'little'
  depthEncoding?: ImportOptions['depthEncoding']
  poseConvention?: ImportOptions['poseConvention']
  rotate?: '0' | '90' | '180' | '270'
  dryRun?: boolean
  rgbTopic?: string
  depthTopic?: string
  cameraInfoTopic?: string
  worldFrame?: string
  json?: boolean
}

export function registerImportCommand(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('import a recording folder or file into the library (progress and ETA on stderr, report on stdout)')
    .argument(
      '<path>',
      'recording folder or file (TUM, Redwood, 7-Scenes, ScanNet, Replica, samples, PGM, MCAP, ROS 1 .bag, Record3D, NYUv2 .mat, dve session)',
    )
    .addOption(new Option('--format <format>', 'read the source as this format').choices([...sessionFormatIds]))
    .option('--name <name>', 'session name (default: the source folder name)')
    .option('--depth-scale <units>', 'raw depth units per metre, e.g. 1000 for mm, 5000 for TUM')
    .option('--depth-unit <meters>', 'metres per raw depth unit (the inverse of --depth-scale)')
    .option('--fx <px>', 'focal length x of the depth camera, pixels (with --fy --cx --cy)')
    .option('--fy <px>', 'focal length y, pixels')
    .option('--cx <px>', 'principal point x, pixels')
    .option('--cy <px>', 'principal point y, pixels')
    .option('--pose-file <file>', 'pose file inside the source where several exist')
    .option(
      '--invalid-depth <values>',
      'raw depth values meaning "no depth", comma-separated (replaces the format\'s list)',
    )
    .option('--max-dt <seconds>', 'largest colour–depth(–pose) time difference when pairing by time (TUM, MCAP)')
    .addOption(
      new Option('--pgm-byte-order <order>', 'byte order of 16-bit PGM depth').choices(['auto', 'big', 'little']),
    )
    .addOption(
      new Option(
        '--depth-encoding <encoding>',
        'layout of the raw depth samples (default: decided from the data)',
      ).choices([...depthEncodingIds]),
    )
    .addOption(
      new Option(
        '--pose-convention <convention>',
        "how the source stores poses (default: the format's, checked by frame overlap)",
      ).choices([...poseConventions]),
    )
    .addOption(
      new Option(
        '--rotate <degrees>',
        'turn every frame clockwise (default: from the EXIF orientation or the metadata, see docs/IMPORT-DECISIONS.md)',
      ).choices(['0', '90', '180', '270']),
    )
    .option(
      '--dry-run',
      'print what the import would decide (depth reading, intrinsics, poses, order, orientation) and write nothing',
    )
    .option('--rgb-topic <topic>', 'MCAP: colour image topic')
    .option('--depth-topic <topic>', 'MCAP: depth image topic')
    .option('--camera-info-topic <topic>', 'MCAP: CameraInfo topic of the depth camera')
    .option('--world-frame <frame>', 'MCAP: tf frame used as the world')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, flags: ImportFlags) => {
      const options = importOptions(flags)
      const services = await ctx.services()
      try {
        if (flags.dryRun) {
          const preview = await services.api.sessions.preview({ path: resolve(path), options })
          if (flags.json) ctx.json(preview)
          else for (const line of previewLines(preview)) ctx.out(line)
          // An undecided depth reading is what a real import would refuse.
          if (preview.depthUndecided) throw new ConsoleError('invalid_input', preview.depthUndecided)
          return
        }
        const { jobId } = await services.api.sessions.import({ path: resolve(path), options })
        // Ctrl-C cancels the job, so the importer removes its half-written folder before we exit.
        const onSigint = () => void services.api.jobs.cancel({ id: jobId })
        process.once('SIGINT', onSigint)
        const report = await services.api.sessions
          .importReport({ jobId })
          .finally(() => process.off('SIGINT', onSigint))
        if (flags.json) ctx.json(report)
        else for (const line of reportLines(report)) ctx.out(line)
      } finally {
        await services.dispose()
      }
    })
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value)) throw new ConsoleError('invalid_input', `${flag} "${text}" is not a number.`)
  return value
}

export function importOptions(flags: ImportFlags): ImportOptions {
  const depthScale = number('--depth-scale', flags.depthScale)
  const depthUnit = number('--depth-unit', flags.depthUnit)
  if (depthScale !== undefined && depthUnit !== undefined)
    throw new ConsoleError('invalid_input', 'Give --depth-scale or --depth-unit, not both.')
  if (depthScale !== undefined && depthScale <= 0)
    throw new ConsoleError('invalid_input', `--depth-scale must be positive, got ${depthScale}.`)
  const [fx, fy, cx, cy] = (['fx', 'fy', 'cx', 'cy'] as const).map((key) => number(`--${key}`, flags[key]))
  const given = [fx, fy, cx, cy].filter((v) => v !== undefined).length
  if (given !== 0 && given !== 4) throw new ConsoleError('invalid_input', 'Intrinsics need all of --fx --fy --cx --cy.')
  const options: ImportOptions = {}
  if (flags.format) options.format = flags.format
  if (flags.name) options.name = flags.name
  if (depthScale !== undefined) options.depthUnitMeters = 1 / depthScale
  if (depthUnit !== undefined) options.depthUnitMeters = depthUnit
  if (fx !== undefined && fy !== undefined && cx !== undefined && cy !== undefined)
    options.intrinsics = { fx, fy, cx, cy }
  if (flags.poseFile) options.poseFile = flags.poseFile
  if (flags.invalidDepth !== undefined)
    options.depthInvalidValues = flags.invalidDepth.split(',').map((v) => number('--invalid-depth', v.trim()) as number)
  const maxDt = number('--max-dt', flags.maxDt)
  if (maxDt !== undefined) options.maxTimeDifferenceSec = maxDt
  if (flags.pgmByteOrder) options.pgmByteOrder = flags.pgmByteOrder
  if (flags.depthEncoding) options.depthEncoding = flags.depthEncoding
  if (flags.poseConvention) options.poseConvention = flags.poseConvention
  if (flags.rotate) options.rotation = Number(flags.rotate) as NonNullable<ImportOptions['rotation']>
  const mcap = {
    rgbTopic: flags.rgbTopic,
    depthTopic: flags.depthTopic,
    cameraInfoTopic: flags.cameraInfoTopic,
    worldFrame: flags.worldFrame,
  }
  if (Object.values(mcap).some((v) => v !== undefined))
    options.mcap = Object.fromEntries(Object.entries(mcap).filter(([, v]) => v !== undefined))
  // The CLI calls the service directly, so the wire schema is applied here for the same messages.
  const checked = importOptionsSchema.safeParse(options)
  if (!checked.success) throw new ConsoleError('invalid_input', `dve import: ${z.prettifyError(checked.error)}`)
  return options
}

function reportLines(report: ImportReport): string[] {
  const lines = [
    `Imported ${report.imported} frames from ${report.sourcePath} (${report.format}) as "${report.name}" [${report.sessionId}] in ${formatSeconds(report.durationSec)}.`,
    `Depth unit ${report.depthUnitMeters} m${report.pgmByteOrder ? `, PGM read ${report.pgmByteOrder}-endian` : ''}${report.intrinsicsAssumed ? ', intrinsics ASSUMED' : ''}.`,
  ]
  if (report.decisions) lines.push('Decisions:', ...decisionLines(report.decisions))
  if (report.skipped.length) {
    lines.push(`Skipped ${report.skipped.length} frames:`)
    for (const line of skippedLines(report.skipped)) lines.push(`  ${line}`)
  }
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`)
  return lines
}

function previewLines(preview: ImportPreview): string[] {
  const lines = [
    `Dry run: ${preview.frameCount} frames would be imported as ${preview.formatLabel} (${preview.format}); nothing was written.`,
  ]
  if (preview.decisions) lines.push('Decisions:', ...decisionLines(preview.decisions))
  else lines.push('No depth frame could be read: the import would fail.')
  if (preview.skippedCount)
    lines.push(`Skipped ${preview.skippedCount} frames:`, ...preview.skippedSample.map((l) => `  ${l}`))
  for (const warning of preview.warnings) lines.push(`Warning: ${warning}`)
  return lines
}
