import { Option, type Command } from 'commander'
import { ConsoleError } from '../../contract'
import { depthTransports, RobotSimulator, type DepthTransport } from '../../services/live/robot-simulator'
import type { CliContext } from '../cli-context'

export function registerRobotCommand(program: Command, ctx: CliContext): void {
  const robot = program.command('robot').description('a robot to try the live link on')
  robot
    .command('simulate')
    .description(
      'publish a recorded session over the Foxglove WebSocket protocol as a ROS 2 robot would (colour, depth, CameraInfo, tf), at the recorded rate',
    )
    .argument('<session>', 'session id (see `dve sessions`; demo-apartment is built in)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8765')
    .option('--host <host>', 'address to bind (0.0.0.0: reachable from the network)', '127.0.0.1')
    .option('--rate <rate>', 'playback speed (1 = recorded rate)', '1')
    .option('--loop', 'start again at the end (stamps keep increasing)')
    .option('--range <start:end>', 'publish only frames start..end-1')
    .addOption(
      new Option('--depth-transport <transport>', 'depth as a raw 16UC1 Image or as image_transport compressedDepth')
        .choices([...depthTransports])
        .default('raw'),
    )
    .action(
      async (
        id: string,
        options: {
          port: string
          host: string
          rate: string
          loop?: boolean
          range?: string
          depthTransport: DepthTransport
        },
      ) => {
        const rate = Number(options.rate)
        const port = Number(options.port)
        if (!(rate > 0) || !Number.isInteger(port) || port < 0 || port > 65535)
          throw new ConsoleError(
            'invalid_input',
            `dve robot simulate: --rate must be > 0 and --port 0..65535 (got ${options.rate}, ${options.port}).`,
          )
        const range = options.range ? /^(\d+):(\d+)$/.exec(options.range) : null
        if (options.range && (!range || Number(range[1]) >= Number(range[2])))
          throw new ConsoleError(
            'invalid_input',
            `dve robot simulate: --range must be start:end with start < end (got "${options.range}").`,
          )
        const services = await ctx.services()
        const session = await services.recordings.store.get(id)
        const simulator = await RobotSimulator.start({
          session,
          frames: services.recordings.frameReader,
          host: options.host,
          port,
          rate,
          loop: options.loop === true,
          depthTransport: options.depthTransport,
          ...(range ? { frameRange: { start: Number(range[1]), end: Number(range[2]) } } : {}),
        })
        const { manifest } = session
        ctx.out(
          `Publishing "${manifest.name}" (${manifest.frames.length} frames${options.loop ? ', looping' : ''}) at ${simulator.url}`,
        )
        ctx.out(`Topics: ${simulator.topics().join(', ')}`)
        ctx.out(`Connect with: dve live ${simulator.url}   (or Library → Connect… in the console)`)
        // Said however the process ends (the CLI's own Ctrl-C/SIGTERM handling may exit first); close()
        // stops publishing at once, so the count is what went out.
        process.once('exit', () => ctx.out(`Published ${simulator.published} frames.`))
        const stop = async (): Promise<void> => {
          await simulator.close()
          await services.dispose()
          process.exit(0)
        }
        process.once('SIGINT', () => void stop())
        process.once('SIGTERM', () => void stop())
        await simulator.finished()
        await simulator.close()
        await services.dispose()
      },
    )
}
