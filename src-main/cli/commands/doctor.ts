import type { Command } from 'commander'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { consolePaths } from '../../platform/paths'
import { runDoctor, type Finding } from '../../services/diagnostics/doctor'
import { ModelSettingsFile } from '../../services/inference/model-settings'
import { bindingDir, probeProviderHost } from '../../services/inference/provider-host'
import { InferenceWorkerClient } from '../../services/inference/worker-client'
import type { CliContext } from '../cli-context'

const marks: Record<Finding['level'], string> = { ok: 'ok  ', warn: 'warn', missing: 'MISS' }

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'what this machine can do: execution providers (and why not), GPU, TensorRT and its engine cache, Electron, Chromium, disk',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      // Its own worker and no services: this worker is the only thread that loads onnxruntime-node here.
      const paths = consolePaths()
      const scratch = mkdtempSync(join(tmpdir(), 'dve-doctor-'))
      const warnings: string[] = []
      const client = new InferenceWorkerClient({
        log: { info: () => undefined, warn: (_source, message) => warnings.push(message) },
      })
      try {
        const settings = await new ModelSettingsFile(paths.home, (message) => warnings.push(message)).read()
        const findings = await runDoctor({
          host: probeProviderHost(),
          bindingDir: bindingDir(),
          cacheDir: paths.cache,
          cacheBudgetBytes: settings.cacheBudgetBytes,
          client,
          scratchDir: scratch,
          chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        })
        if (options.json) {
          ctx.json({ findings, warnings })
        } else {
          for (const f of findings) {
            ctx.out(`[${marks[f.level]}] ${f.area}: ${f.detail}`)
            if (f.action) ctx.out(`       → ${f.action}`)
          }
        }
        if (findings.some((f) => f.level === 'missing' && f.area === 'provider cpu')) process.exitCode = 1
      } finally {
        await client.dispose()
        rmSync(scratch, { recursive: true, force: true })
      }
    })
}
