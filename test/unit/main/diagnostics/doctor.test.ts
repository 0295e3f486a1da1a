/** `dve doctor`'s findings, with providers tried for real in the inference worker. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runDoctor, type Finding } from '../../../../src-main/services/diagnostics/doctor'
import { bindingDir } from '../../../../src-main/services/inference/provider-host'
import { engineCacheFor, type ProviderHost } from '../../../../src-main/services/inference/provider-options'
import { InferenceWorkerClient } from '../../../../src-main/services/inference/worker-client'

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn()
})

const orin: ProviderHost = {
  unavailable: {},
  forwardsTensorRtOptions: true,
  tensorRtVersion: '10.3.0',
  gpu: { name: 'NVIDIA Jetson AGX Orin', driver: 'L4T R36.4.3', computeCapability: '8.7' },
}

async function doctor(host: ProviderHost, setup: (cacheDir: string) => void = () => undefined): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dve-doctor-test-'))
  const client = new InferenceWorkerClient({ log: { info: () => undefined, warn: () => undefined } })
  cleanup.push(async () => {
    await client.dispose()
    rmSync(dir, { recursive: true, force: true })
  })
  const cacheDir = join(dir, 'cache')
  setup(cacheDir)
  return runDoctor({
    host,
    bindingDir: bindingDir(),
    cacheDir,
    cacheBudgetBytes: 2 ** 60,
    client,
    scratchDir: dir,
    chromiumPath: join(dir, 'no-chromium'),
  })
}

const find = (findings: Finding[], area: string) => findings.filter((f) => f.area === area)

describe('dve doctor', () => {
  it("tries each provider alone and reports ORT's reason, the GPU, TensorRT and the engine cache", async () => {
    const findings = await doctor(orin, (cacheDir) => {
      const current = engineCacheFor(cacheDir, { hash: 'f'.repeat(64) }, orin).dir
      mkdirSync(current, { recursive: true })
      writeFileSync(join(current, 'TensorrtExecutionProvider_TRTKernel_graph_1_sm87.engine'), new Uint8Array(2 ** 20))
      mkdirSync(engineCacheFor(cacheDir, { hash: 'f'.repeat(64) }, { ...orin, tensorRtVersion: '8.6.2' }).dir, {
        recursive: true,
      })
    })
    const providers = Object.fromEntries(
      ['tensorrt', 'cuda', 'cpu'].map((p) => [p, find(findings, `provider ${p}`)[0]]),
    )
    expect(providers.tensorrt).toMatchObject({ level: 'warn' })
    expect(providers.tensorrt?.detail).toMatch(/Failed to load shared library/)
    expect(providers.cuda?.detail).toMatch(/Failed to load shared library/)
    expect(providers.cpu).toMatchObject({ level: 'ok', detail: 'loads a session' })
    expect(find(findings, 'GPU')[0]).toMatchObject({
      level: 'ok',
      detail: 'NVIDIA Jetson AGX Orin, driver L4T R36.4.3, sm 8.7',
    })
    expect(find(findings, 'TensorRT')[0]).toMatchObject({
      level: 'ok',
      detail: 'libnvinfer 10.3.0; binding forwards TensorRT options',
    })
    const engines = find(findings, 'TensorRT engine cache')
    expect(engines).toHaveLength(2)
    expect(engines.find((f) => f.level === 'ok')?.detail).toMatch(/_trt10\.3\.0_.*: 1 engine\(s\), 1\.0 MiB$/)
    expect(engines.find((f) => f.level === 'warn')?.detail).toMatch(/_trt8\.6\.2_.*another TensorRT version or GPU/)
    expect(find(findings, 'Chromium (browser mode)')[0]?.level).toBe('warn')
    expect(find(findings, 'disk for caches')[0]).toMatchObject({ level: 'warn' })
  })

  it('says why a provider is not tried and what to do', async () => {
    const published: ProviderHost = {
      unavailable: { cuda: 'not installed (x missing)' },
      forwardsTensorRtOptions: false,
      tensorRtVersion: null,
      gpu: null,
    }
    const findings = await doctor(published)
    expect(find(findings, 'provider tensorrt')[0]).toMatchObject({
      level: 'warn',
      action: expect.stringMatching(/patched binding/),
    })
    expect(find(findings, 'provider cuda')[0]).toMatchObject({ detail: 'not installed (x missing) (not tried)' })
    expect(find(findings, 'TensorRT engine cache')[0]?.detail).toMatch(/^empty/)
  })
})
