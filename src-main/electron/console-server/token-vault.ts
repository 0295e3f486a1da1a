/**
 * Remembered tokens are sealed with Electron's safeStorage (the platform keychain: Keychain, DPAPI,
 * libsecret / kwallet). Linux without a keyring falls back to a hard-coded key ("basic_text"), which
 * is plain text in all but name: there, and wherever encryption is unavailable, tokens are not kept.
 */
import { safeStorage } from 'electron'

export interface TokenVault {
  available(): boolean
  /** Base64 of the sealed bytes. */
  seal(token: string): string
  open(sealed: string): string
}

export const safeStorageVault: TokenVault = {
  available: () =>
    safeStorage.isEncryptionAvailable() &&
    !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
  seal: (token) => safeStorage.encryptString(token).toString('base64'),
  open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
}
