/** A native-work process that answers each message with the GLIBC_TUNABLES it was started with. */
import { parentChannel } from '../../../../src-main/platform/native-process'

const parent = parentChannel()
parent.onMessage(() => parent.postMessage({ glibcTunables: process.env.GLIBC_TUNABLES ?? null }))
