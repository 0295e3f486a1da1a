/** Every `dve` subcommand; each module registers one command (or one group). */
import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { registerVersionCommand } from './version'
import { registerBenchCommand } from './bench'
import { registerInferCommand } from './infer'
import { registerEmbedTextCommand } from './embed-text'
import { registerModelsCommand } from './models'
import { registerImportCommand } from './import'
import { registerSessionsCommand } from './sessions'
import { registerInfoCommand } from './info'
import { registerQueryCommand } from './query'
import { registerMapCommand } from './map'
import { registerSegmentCommand } from './segment'
import { registerEvalCommand } from './eval'
import { registerClassesCommand } from './classes'
import { registerCalibrateCommand } from './calibrate'
import { registerLiveCommand } from './live'
import { registerRobotCommand } from './robot'
import { registerDoctorCommand } from './doctor'

export function registerCommands(program: Command, ctx: CliContext): void {
  registerVersionCommand(program, ctx)
  registerBenchCommand(program, ctx)
  registerInferCommand(program, ctx)
  registerEmbedTextCommand(program, ctx)
  registerModelsCommand(program, ctx)
  registerImportCommand(program, ctx)
  registerSessionsCommand(program, ctx)
  registerInfoCommand(program, ctx)
  registerQueryCommand(program, ctx)
  registerMapCommand(program, ctx)
  registerSegmentCommand(program, ctx)
  registerEvalCommand(program, ctx)
  registerClassesCommand(program, ctx)
  registerCalibrateCommand(program, ctx)
  registerLiveCommand(program, ctx)
  registerRobotCommand(program, ctx)
  registerDoctorCommand(program, ctx)
}
