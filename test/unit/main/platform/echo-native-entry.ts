/** A native-work process that sends every message back, for the transport tests. */
import { parentChannel } from '../../../../src-main/platform/native-process'

const parent = parentChannel()
parent.onMessage((message) => parent.postMessage(message))
