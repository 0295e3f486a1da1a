/**
 * Remembered console servers (`<data folder>/console-servers.json`): origin, pinned certificate
 * fingerprint, the token sealed by the vault (never in plain text; not kept at all without one), the
 * last connection. Every change is saved atomically, one after another.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ConsoleError, type ConsoleServer } from '../../contract'
import { writeFileAtomic } from '../../platform/atomic-write'
import type { TokenVault } from './token-vault'

const storedServerSchema = z.object({
  origin: z.string().max(2000),
  fingerprint256: z.string().max(200).nullable(),
  sealedToken: z.string().max(8192).nullable(),
  lastConnectedAt: z.string().max(64).nullable(),
})
const storeFileSchema = z.object({ version: z.literal(1), servers: z.array(storedServerSchema).max(200) })
type StoredServer = z.infer<typeof storedServerSchema>

export class ConsoleServerStore {
  private saving: Promise<unknown> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly vault: TokenVault,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether tokens can be remembered here (sealed by the platform keychain). */
  tokensKept(): boolean {
    return this.vault.available()
  }

  async list(): Promise<ConsoleServer[]> {
    return (await this.read()).map((s) => ({
      origin: s.origin,
      fingerprint256: s.fingerprint256,
      tokenSaved: s.sealedToken !== null,
      lastConnectedAt: s.lastConnectedAt,
    }))
  }

  async pinned(origin: string): Promise<string | null> {
    return (await this.read()).find((s) => s.origin === origin)?.fingerprint256 ?? null
  }

  /** The remembered token, or null (none kept, or it no longer opens: another user or keyring). */
  async token(origin: string): Promise<string | null> {
    const sealed = (await this.read()).find((s) => s.origin === origin)?.sealedToken
    if (!sealed || !this.vault.available()) return null
    try {
      return this.vault.open(sealed)
    } catch {
      return null
    }
  }

  /** Remembers a successful connection: the pin, and the token when the vault can seal it. */
  remember(origin: string, fingerprint256: string | null, token: string): Promise<void> {
    return this.change((servers) => [
      {
        origin,
        fingerprint256,
        sealedToken: this.vault.available() ? this.vault.seal(token) : null,
        lastConnectedAt: this.now().toISOString(),
      },
      ...servers.filter((s) => s.origin !== origin),
    ])
  }

  forget(origin: string): Promise<void> {
    return this.change((servers) => servers.filter((s) => s.origin !== origin))
  }

  private change(edit: (servers: StoredServer[]) => StoredServer[]): Promise<void> {
    const next = this.saving.then(async () => {
      const servers = edit(await this.read())
      await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`)
    })
    this.saving = next.catch(() => undefined)
    return next
  }

  private async read(): Promise<StoredServer[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = null
    }
    const parsed = storeFileSchema.safeParse(json)
    if (!parsed.success)
      throw new ConsoleError(
        'bad_file',
        `${this.path}: the remembered console servers cannot be read (${json === null ? 'not JSON' : 'unexpected fields'}); remove the file to start over.`,
      )
    return parsed.data.servers
  }
}
