import type { Command } from 'commander'
import { ConsoleError, freeSpaceText, type LiveStatus, type LiveTopicListing } from '../../contract'
import type { CliContext } from '../cli-context'
import { sameReason } from '../../services/live/problem-list'

interface LiveOptions {
  rgb?: string
  depth?: string
  info?: string
  frameId?: string
  name?: string
  frames?: string
  seconds?: string
  tolerance: string
  fingerprint?: string
  topics?: boolean
  json?: boolean
}

const positive = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!(n > 0)) throw new ConsoleError('invalid_input', `dve live: ${flag} must be a positive number (got "${value}").`)
  return n
}

function recordsToLine(to: LiveTopicListing['recordsTo']): string {
  return `Records into ${to.dir} (${freeSpaceText(to.freeBytes)})${to.warning ? `\n! ${to.warning}` : ''}`
}

export function statusLine(s: LiveStatus): string {
  const model =
    s.model.state === 'off'
      ? 'no model'
      : `embedding ${s.model.fps.toFixed(1)} fps of ${s.arrivalFps.toFixed(1)} fps, ${s.model.skippedPercent.toFixed(0)} % skipped`
  const unpaired = s.pairing.unpairedColour + s.pairing.unpairedDepth
  return `${s.state}: ${s.framesRecorded} frames recorded (${s.posedFrames} posed), ${model}, ${unpaired} unpaired (±${s.pairing.toleranceMs} ms)`
}

export function registerLiveCommand(program: Command, ctx: CliContext): void {
  program
    .command('live')
    .description(
      'connect to a robot (foxglove_bridge or dve robot simulate), record into a session and embed the newest frames',
    )
    .argument('<url>', "the robot's Foxglove WebSocket URL, e.g. ws://robot:8765")
    .option('--rgb <topic>', 'colour image topic (Image or CompressedImage; chosen by name when not given)')
    .option('--depth <topic>', 'depth image topic (Image 16UC1 or 32FC1)')
    .option('--info <topic>', 'CameraInfo topic of the depth image')
    .option('--frame-id <frame>', 'fixed frame the poses are given in (default: the root of the tf tree)')
    .option('--name <name>', 'name of the recorded session')
    .option('--frames <k>', 'stop after K recorded frames')
    .option('--seconds <s>', 'stop after S seconds')
    .option('--tolerance <ms>', 'colour/depth stamps further apart are not a pair', '20')
    .option('--fingerprint <sha256>', 'pin the certificate of a wss:// server (self-signed)')
    .option('--topics', 'only list the topics and the automatic choice')
    .option('--json', 'print JSON')
    .action(async (url: string, options: LiveOptions) => {
      const maxFrames = positive(options.frames, '--frames')
      const seconds = positive(options.seconds, '--seconds')
      const services = await ctx.services()
      const live = services.api.live
      try {
        if (options.topics) {
          const listing = await live.topics({ url, certificateFingerprint: options.fingerprint })
          if (options.json) return ctx.json(listing)
          ctx.out(`${listing.serverName} (${listing.protocol})`)
          for (const t of listing.topics) ctx.out(`  ${t.topic.padEnd(50)} ${t.schemaName}`)
          ctx.out(
            `Chosen: colour ${listing.suggested.rgbTopic ?? '—'}, depth ${listing.suggested.depthTopic ?? '—'}, CameraInfo ${listing.suggested.cameraInfoTopic ?? '—'}, tf ${listing.suggested.tfTopics.join(', ') || '—'}`,
          )
          ctx.out(recordsToLine(listing.recordsTo))
          return
        }
        let last = ''
        services.events.subscribe((name, payload) => {
          if (name !== 'live' || options.json) return
          const status = payload as LiveStatus
          // A reason is printed once; its running counts are in the summary at the end.
          if (status.message && !sameReason(status.message, last)) process.stderr.write(`\n${status.message}\n`)
          last = status.message ?? last
          if (process.stderr.isTTY) process.stderr.write(`\r${statusLine(status).padEnd(100)}`)
        })
        const started = await live.connect({
          url,
          rgbTopic: options.rgb,
          depthTopic: options.depth,
          cameraInfoTopic: options.info,
          worldFrame: options.frameId,
          name: options.name,
          maxFrames,
          pairToleranceMs: Number(options.tolerance),
          certificateFingerprint: options.fingerprint,
        })
        if (!options.json)
          ctx.out(
            `Connected to ${url} (${started.protocol}): colour ${started.topics.rgbTopic}, depth ${started.topics.depthTopic}, CameraInfo ${started.topics.cameraInfoTopic ?? '—'}`,
          )
        const source = services.live.current()
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve())
          process.once('SIGTERM', () => resolve())
          if (seconds !== undefined) setTimeout(resolve, seconds * 1000)
          void source?.finished().then(() => resolve())
        })
        await stopped
        const final = await live.stop()
        if (!final) return
        if (options.json) return ctx.json(final)
        if (process.stderr.isTTY) process.stderr.write('\n')
        ctx.out(statusLine(final))
        ctx.out(
          final.sessionId
            ? `Recorded session: ${final.sessionId} (dve info ${final.sessionId})`
            : 'Nothing was recorded.',
        )
        // The live map was saved with the link's end: what it holds, and where to look further.
        const map = final.sessionId ? (await services.api.map.status({ sessionId: final.sessionId })).map : null
        if (map)
          ctx.out(
            `Live map: ${map.framesFused} keyframes fused, ${map.voxelCount.toLocaleString('en-US')} voxels (dve map info ${final.sessionId})`,
          )
        for (const problem of final.problems) ctx.out(`  ! ${problem}`)
      } finally {
        await services.dispose()
      }
    })
}
