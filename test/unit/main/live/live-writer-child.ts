/**
 * Child process for the crash test: records frames into a live session as fast as it can and prints
 * each appended index; the test kills it with SIGKILL in the middle.
 */
import { LiveSessionWriter } from '../../../../src-main/services/live/live-session-writer'
import { testFrame } from './live-writer-frames'

const [libraryDir] = process.argv.slice(2)
const writer = await LiveSessionWriter.create(
  {
    libraryDir: libraryDir!,
    name: 'crash',
    sourceUrl: 'ws://127.0.0.1:1',
    camera: { width: 4, height: 3, fx: 3, fy: 3, cx: 1.5, cy: 1 },
    rgbSize: { width: 4, height: 3 },
    firstStamp: { sec: 100, nanosec: 0 },
  },
  null,
)
process.stdout.write(`session ${writer.id}\n`)
for (let k = 0; ; k++) {
  await writer.append(testFrame(k))
  process.stdout.write(`frame ${k}\n`)
}
