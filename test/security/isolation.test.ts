/**
 * A damaged user file affects only itself; names with control characters are refused; a session
 * whose id repeats another is reported, not hidden; missing colour frames are reported.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LogLine } from '../../src-main/contract'
import type { Services } from '../../src-main/services/create-services'
import { dispatch } from '../../src-main/services/dispatch'
import { printable, printableLines } from '../../src-main/services/security/printable'
import { writeSevenScenes } from '../unit/main/import/synthetic-sources'
import { playground, startServices } from './security-kit'

let services: Services | null = null
afterEach(async () => {
  await services?.dispose()
  services = null
})

describe('a damaged user class set', () => {
  it('is listed as a problem with its path and what is wrong; every other set keeps working', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const good = await services.api.classes.create({
      name: 'Kitchen',
      classes: [{ name: 'cup', color: [200, 10, 10], prompts: ['cup'] }],
    })
    const badDir = join(ground.home, 'class-sets', 'user-broken')
    mkdirSync(badDir, { recursive: true })
    const badFile = join(badDir, 'user-broken.json')
    writeFileSync(
      badFile,
      JSON.stringify({
        format: 'dve-class-set',
        version: 1,
        name: 'Broken',
        classes: [{ name: 'x', color: 'red', prompts: [] }],
      }),
    )
    const sets = await services.api.classes.list()
    expect(sets.map((s) => s.id)).toContain(good.id)
    expect(sets.some((s) => s.source === 'builtin')).toBe(true)
    expect(sets.map((s) => s.id)).not.toContain('user-broken')
    expect((await services.api.classes.get({ id: good.id })).classes[0]?.name).toBe('cup')
    const problems = await services.api.classes.problems()
    expect(problems).toEqual([
      { file: badFile, problem: expect.stringMatching(/user-broken\.json: classes\.0\.color: /) },
    ])
    // Not JSON at all: named, and the file's text is not quoted back.
    writeFileSync(badFile, 'SECRET-TEXT not json')
    const [notJson] = await services.api.classes.problems()
    expect(notJson?.problem).toMatch(/user-broken\.json: not valid JSON/)
    expect(notJson?.problem).not.toContain('SECRET-TEXT')
  })
})

describe('names', () => {
  it('refuses control characters in names a client gives', async () => {
    const ground = await playground()
    services = await startServices(ground, 'browser')
    for (const [service, method, input] of [
      ['classes', 'create', { name: 'Evil\u001b[2J' }],
      ['classes', 'create', { name: 'abc\u202eexe.txt' }],
      ['sessions', 'rename', { id: 'x', name: 'line\nbreak' }],
      ['sessions', 'import', { path: ground.tum, options: { name: 'bell\u0007' } }],
    ] as const) {
      const response = await dispatch(services.api, { kind: 'request', id: 1, service, method, input })
      expect(response.ok).toBe(false)
      if (!response.ok) expect(response.error.message).toMatch(/must not contain control characters/)
    }
  })

  it('escapes control characters in what it prints', () => {
    expect(printable('a\u001b[2Jb')).toBe('a\\u{1b}[2Jb')
    expect(printableLines('one\ntwo\u0007')).toBe('one\ntwo\\u{7}')
  })
})

describe('the library', () => {
  it('reports a session whose id repeats another instead of hiding it', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const warnings: LogLine[] = []
    services.events.subscribe((name, payload) => {
      if (name === 'log' && (payload as LogLine).level === 'warn') warnings.push(payload as LogLine)
    })
    const { jobId } = await services.api.sessions.import({ path: ground.tum, options: { name: 'Hall' } })
    const { sessionId } = await services.api.sessions.importReport({ jobId })
    cpSync(join(ground.home, 'sessions', sessionId), join(ground.home, 'sessions', 'copied-hall'), { recursive: true })
    const listed = await services.api.sessions.list()
    expect(listed.filter((s) => s.id === sessionId)).toHaveLength(1)
    expect(listed.find((s) => s.id === sessionId)?.sourcePath).toBe(ground.tum)
    expect(warnings.map((w) => w.message).join('\n')).toMatch(
      new RegExp(
        `copied-hall/session\\.json: its id "${sessionId}" repeats the session in .*/${sessionId}; it is not listed`,
      ),
    )
  })

  it('reports a depth frame whose colour image is missing', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const source = join(ground.dataRoot, 'seven')
    await writeSevenScenes(source, 3)
    const { rmSync } = await import('node:fs')
    rmSync(join(source, 'frame-000010.color.png'), { force: true })
    rmSync(join(source, 'frame-000010.color.jpg'), { force: true })
    const { jobId } = await services.api.sessions.import({ path: source, options: {} })
    const report = await services.api.sessions.importReport({ jobId })
    expect(report.imported).toBe(2)
    expect(report.skipped).toEqual([
      expect.objectContaining({ sourceName: 'frame-000010', reason: 'no colour image for this depth image' }),
    ])
  })
})

describe('deleting a session', () => {
  it('names every part and its size first, then removes cache, maps, labels and index with it', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const { jobId } = await services.api.sessions.import({ path: ground.tum, options: { name: 'Hall' } })
    const { sessionId } = await services.api.sessions.importReport({ jobId })
    // Derived data as the services lay it out.
    const derived = [
      join(ground.home, 'cache', 'embeddings', 'model-a', sessionId, '0.dvemb'),
      join(ground.home, 'cache', 'query-index', 'model-a', `${sessionId}.json`),
      join(ground.home, 'maps', sessionId, 'geometry', 'map.json'),
      join(ground.home, 'labels', sessionId, 'set', '000000.png'),
    ]
    for (const file of derived) {
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, Buffer.alloc(1000))
    }
    const other = join(ground.home, 'maps', 'another-session', 'geometry', 'map.json')
    mkdirSync(join(other, '..'), { recursive: true })
    writeFileSync(other, 'kept')
    const preview = await services.api.sessions.deletePreview({ id: sessionId })
    expect(preview.parts.map((p) => p.what)).toEqual(['recording', 'embedding cache', 'query index', 'maps', 'labels'])
    expect(preview.totalBytes).toBe(preview.parts.reduce((sum, p) => sum + p.bytes, 0))
    expect(preview.parts.find((p) => p.what === 'maps')?.bytes).toBe(1000)
    await services.api.sessions.delete({ id: sessionId })
    const { existsSync } = await import('node:fs')
    for (const file of derived) expect(existsSync(file), file).toBe(false)
    expect(existsSync(join(ground.home, 'sessions', sessionId))).toBe(false)
    expect(existsSync(other)).toBe(true)
  })

  it('reads a broken map as broken, not as "no map yet"', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const { jobId } = await services.api.sessions.import({ path: ground.tum, options: {} })
    const { sessionId } = await services.api.sessions.importReport({ jobId })
    const folder = join(ground.home, 'maps', sessionId, 'geometry')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'map.json'), '{"format":"dve-map"')
    const broken = await services.api.map.status({ sessionId })
    expect(broken.map).toBeNull()
    expect(broken.problem).toMatch(/map\.json/)
  })
})
