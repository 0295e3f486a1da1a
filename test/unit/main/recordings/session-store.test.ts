import { describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { consoleErrorOf, makeLibrary, writeSession } from './session-fixture'

async function libraryWithDemo() {
  const root = makeLibrary()
  const library = join(root, 'sessions')
  const demo = join(root, 'resources', 'demo-recording')
  await writeSession(demo, { id: 'demo-apartment', frames: 2 })
  await writeSession(join(library, 'kitchen-1'), { id: 'kitchen-1', frames: 3 })
  return { library, demo, store: new SessionStore(library, [demo]) }
}

describe('SessionStore', () => {
  it('lists library sessions and the built-in demo, skipping imports in progress', async () => {
    const { library, store } = await libraryWithDemo()
    await writeSession(join(library, '.importing-half'), { id: 'half' })
    const { sessions, problems } = await store.list()
    expect(sessions.map((s) => [s.id, s.readOnly, s.manifest.frames.length])).toEqual([
      ['demo-apartment', true, 2],
      ['kitchen-1', false, 3],
    ])
    expect(problems).toEqual([])
  })

  it('reports a broken manifest with its file and field, and keeps listing the rest', async () => {
    const { library, store } = await libraryWithDemo()
    mkdirSync(join(library, 'broken'))
    writeFileSync(
      join(library, 'broken', 'session.json'),
      JSON.stringify({ format: 'dve-session', version: 1, id: 'broken', frames: 'no' }),
    )
    const { sessions, problems } = await store.list()
    expect(sessions).toHaveLength(2)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(join(library, 'broken', 'session.json'))
    const error = await consoleErrorOf(store.get('broken'))
    expect(error.code).toBe('bad_file')
    expect(error.message).toContain('session.json')
  })

  it('renames atomically and sees the new name; deletes the folder', async () => {
    const { library, store } = await libraryWithDemo()
    await store.rename('kitchen-1', 'Kitchen, morning')
    const onDisk = JSON.parse(readFileSync(join(library, 'kitchen-1', 'session.json'), 'utf8')) as { name: string }
    expect(onDisk.name).toBe('Kitchen, morning')
    expect((await store.get('kitchen-1')).manifest.name).toBe('Kitchen, morning')
    await store.remove('kitchen-1')
    expect(existsSync(join(library, 'kitchen-1'))).toBe(false)
    expect((await consoleErrorOf(store.get('kitchen-1'))).code).toBe('not_found')
  })

  it('refuses to rename or delete the built-in demo', async () => {
    const { demo, store } = await libraryWithDemo()
    expect((await consoleErrorOf(store.rename('demo-apartment', 'x'))).code).toBe('unsupported')
    expect((await consoleErrorOf(store.remove('demo-apartment'))).message).toContain('read-only')
    expect(existsSync(join(demo, 'session.json'))).toBe(true)
  })

  it('refuses ids that could leave the library', async () => {
    const { store } = await libraryWithDemo()
    expect((await consoleErrorOf(store.get('../sessions/kitchen-1'))).code).toBe('not_found')
  })

  it('re-reads only manifests that changed between listings', async () => {
    const { store } = await libraryWithDemo()
    const first = await store.list()
    const second = await store.list()
    expect(second.sessions[1]!.manifest).toBe(first.sessions[1]!.manifest)
    await store.rename('kitchen-1', 'Renamed')
    const third = await store.list()
    expect(third.sessions[1]!.manifest).not.toBe(first.sessions[1]!.manifest)
    expect(third.sessions[0]!.manifest).toBe(first.sessions[0]!.manifest)
  })

  it('notices a manifest changed on disk by another process', async () => {
    const { library, store } = await libraryWithDemo()
    expect((await store.get('kitchen-1')).manifest.name).toBe('Fixture kitchen-1')
    const path = join(library, 'kitchen-1', 'session.json')
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { name: string }
    await new Promise((resolve) => setTimeout(resolve, 20))
    writeFileSync(path, JSON.stringify({ ...manifest, name: 'Changed elsewhere' }))
    expect((await store.get('kitchen-1')).manifest.name).toBe('Changed elsewhere')
  })
})
