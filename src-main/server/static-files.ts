/** Serves the built renderer, and nothing outside its folder. */
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/** Returns the file's bytes and type, or null when the path leaves the root or does not exist. */
export async function readStaticFile(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; contentType: string } | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const base = resolve(root)
  const target = resolve(join(base, normalize(decoded === '/' ? '/index.html' : decoded)))
  if (target !== base && !target.startsWith(base + sep)) return null
  try {
    if (!(await stat(target)).isFile()) return null
    return { body: await readFile(target), contentType: contentTypes[extname(target)] ?? 'application/octet-stream' }
  } catch {
    return null
  }
}

/** True when the raw URL path tries to climb out (`..` segments, encoded or not). */
export function isTraversal(rawPath: string): boolean {
  let decoded = rawPath
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return true
  }
  return decoded.split(/[/\\]/).some((segment) => segment === '..')
}
