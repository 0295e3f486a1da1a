/**
 * The Electron host's handlers, through a fake `electron` module: every path-taking method refuses
 * paths the user did not pick in a native dialog this session (or that lie outside the data folder),
 * and accepts them once picked. Exports never replace a file without the user's say.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ResponseMessage } from '../../src-main/contract'
import type { Services } from '../../src-main/services/create-services'
import { playground, startServices, type Playground } from './security-kit'

type Handler = (event: { sender: unknown }, ...args: unknown[]) => Promise<unknown>
const handlers = new Map<string, Handler>()
const dialogAnswers: { open: string | null; save: string | null } = { open: null, save: null }

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  dialog: {
    showOpenDialog: async () =>
      dialogAnswers.open ? { canceled: false, filePaths: [dialogAnswers.open] } : { canceled: true, filePaths: [] },
    showSaveDialog: async () =>
      dialogAnswers.save ? { canceled: false, filePath: dialogAnswers.save } : { canceled: true },
  },
}))

const { registerIpcHost, requestChannel, pickPathChannel } = await import('../../src-main/electron/ipc-host')

const sender = {}
let services: Services
let ground: Playground
let unregister: () => void

// One Electron host for the file (it loads the model pack at start); grants accumulate in order.
beforeAll(async () => {
  ground = await playground()
  services = await startServices(ground, 'electron')
  unregister = registerIpcHost(services, (s) => s === sender)
})
afterAll(async () => {
  unregister()
  await services.dispose()
})

let nextId = 1
async function request(service: string, method: string, input: unknown): Promise<ResponseMessage> {
  return (await handlers.get(requestChannel)!(
    { sender },
    { kind: 'request', id: nextId++, service, method, input },
  )) as ResponseMessage
}

async function refusal(service: string, method: string, input: unknown): Promise<string> {
  const response = await request(service, method, input)
  expect(response.ok, `${service}.${method} should be refused`).toBe(false)
  return response.ok ? '' : response.error.message
}

const notAvailable = /not available \(it does not exist, or lies outside the folders this console may use\)/

describe('Electron: path-taking methods accept only dialog picks and the data folder', () => {
  it('refuses every path-taking method on a path the user did not pick', async () => {
    const outside = join(ground.secretDir, 'out')
    const created = await request('classes', 'create', { name: 'Mine' })
    const userSet = created.ok ? (created.result as { id: string }).id : 'missing'
    const cases: Array<[string, string, unknown]> = [
      ['sessions', 'detect', { path: ground.tum }],
      ['sessions', 'import', { path: ground.tum }],
      ['sessions', 'browse', { path: ground.secretDir }],
      ['map', 'export', { sessionId: 'x', plyPath: join(outside, 'room.ply') }],
      ['classes', 'importClassSet', { path: join(ground.secretDir, 'secret.txt') }],
      ['classes', 'exportClassSet', { id: 'demo', outDir: outside }],
      ['classes', 'importLabels', { sessionId: 'x', classSetId: userSet, dir: ground.secretDir }],
      ['classes', 'exportLabels', { sessionId: 'x', classSetId: 'demo', outDir: outside }],
    ]
    for (const [service, method, input] of cases)
      expect(await refusal(service, method, input), `${service}.${method}`).toMatch(notAvailable)
    expect(existsSync(outside)).toBe(false)
  })

  it('accepts a folder once picked in the open dialog, and what lies inside it', async () => {
    dialogAnswers.open = ground.tum
    expect(await handlers.get(pickPathChannel)!({ sender }, 'dir')).toBe(ground.tum)
    const detected = await request('sessions', 'detect', { path: ground.tum })
    expect(detected.ok).toBe(true)
    // A pick grants reading, not writing, and not its neighbours.
    expect(await refusal('classes', 'exportClassSet', { id: 'demo', outDir: join(ground.tum, 'export') })).toMatch(
      notAvailable,
    )
    expect(await refusal('sessions', 'detect', { path: ground.secretDir })).toMatch(notAvailable)
  })

  it('an untrusted sender gets nothing, and its pick requests open no dialog', async () => {
    dialogAnswers.open = ground.dataRoot
    expect(await handlers.get(pickPathChannel)!({ sender: {} }, 'dir')).toBeNull()
    const response = (await handlers.get(requestChannel)!(
      { sender: {} },
      { kind: 'request', id: 1, service: 'sessions', method: 'detect', input: { path: ground.dataRoot } },
    )) as ResponseMessage
    expect(response.ok).toBe(false)
    // The refused pick granted nothing.
    expect(await refusal('sessions', 'detect', { path: ground.dataRoot })).toMatch(notAvailable)
  })

  it('writes an export only where the save dialog pointed; an existing file only because the dialog confirmed it', async () => {
    const target = join(ground.secretDir, 'classes-export')
    mkdirSync(target)
    // Folder exports into the data folder are allowed without a dialog (it is the console's own).
    const inHome = await request('classes', 'exportClassSet', { id: 'demo', outDir: join(ground.home, 'exports') })
    expect(inHome.ok ? 'ok' : inHome.error.message).toBe('ok')
    const existing = join(ground.secretDir, 'room.ply')
    writeFileSync(existing, 'old')
    dialogAnswers.save = existing
    expect(await handlers.get(pickPathChannel)!({ sender }, 'save')).toBe(existing)
    // The policy lets it through (the map itself is missing in this fixture, which is the next refusal).
    expect(await refusal('map', 'export', { sessionId: 'x', plyPath: existing })).not.toMatch(notAvailable)
  })
})
