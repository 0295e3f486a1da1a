/**
 * The app's own privileged scheme: the built renderer and the binary data plane are both served from
 * `dve://app`, one origin (as VS Code serves its workbench from `vscode-file://vscode-app`), so
 * fetches and WebGL texture uploads are same-origin exactly as in browser mode.
 */
import type { CustomScheme } from 'electron'

export const appScheme = 'dve'
export const appHost = 'app'
export const appOrigin = `${appScheme}://${appHost}`
export const appEntryUrl = `${appOrigin}/index.html`

/**
 * Registered once, before `app` is ready (Electron accepts one call). `standard` gives the scheme an
 * origin and relative URLs; `secure` makes it a secure context; `supportFetchAPI` and `corsEnabled`
 * let the page fetch it; `stream` serves ranged media; `codeCache` caches the bundle's compiled code.
 */
export const privilegedSchemes: CustomScheme[] = [
  {
    scheme: appScheme,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      stream: true,
      codeCache: true,
    },
  },
]
