/** Session ids: a slug of the name plus a random suffix, unique in the library folder. */
import { randomBytes } from 'node:crypto'
import { access } from 'node:fs/promises'
import { join } from 'node:path'

export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug || 'session'
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

export async function newSessionId(name: string, libraryDir: string): Promise<string> {
  for (;;) {
    const id = `${slugify(name)}-${randomBytes(3).toString('hex')}`
    if (!(await exists(join(libraryDir, id))) && !(await exists(join(libraryDir, `.importing-${id}`)))) return id
  }
}
