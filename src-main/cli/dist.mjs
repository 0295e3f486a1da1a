#!/usr/bin/env node
// `npm run dist`: AppImage + .deb for linux x64 and arm64 (the Jetson).
// `npm run dist -- --dir`: the unpacked app only, for this machine's architecture.
// `--arch x64|arm64` (repeatable) chooses architectures; DVE_ELECTRON_DIST names a folder of
// electron-v<version>-linux-<arch>.zip files for offline builds.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Arch, Platform, build } from 'electron-builder'
import { builderConfig } from '../../electron-builder.config.mjs'

const root = join(import.meta.dirname, '..', '..')
const { values } = parseArgs({
  options: { dir: { type: 'boolean', default: false }, arch: { type: 'string', multiple: true } },
})
const hostArch = process.arch === 'arm64' ? 'arm64' : 'x64'
const arches = values.arch ?? (values.dir ? [hostArch] : ['x64', 'arm64'])

// sharp's prebuilt binaries are per architecture and npm installs only the host's.
for (const arch of arches) {
  const missing = [`@img/sharp-linux-${arch}`, `@img/sharp-libvips-linux-${arch}`].filter(
    (name) => !existsSync(join(root, 'node_modules', name)),
  )
  if (missing.length) {
    console.error(
      `dist (${arch}): ${missing.join(' and ')} not installed; run \`npm install --no-save --os=linux --cpu=${arch} sharp\` first.`,
    )
    process.exit(1)
  }
}

const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)

for (const arch of arches) {
  const targets = Platform.LINUX.createTarget(values.dir ? ['dir'] : ['AppImage', 'deb'], Arch[arch])
  await build({
    projectDir: root,
    targets,
    config: builderConfig(arch, { electronDist: process.env.DVE_ELECTRON_DIST }),
    publish: 'never',
  })
}
