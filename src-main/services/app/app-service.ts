/** App-level info and recent logs. The active model fields are filled by the inference service. */
import type { AppInfo, LogLine, NativeWorkStatus, ServiceApi, appSpec } from '../../contract'
import type { Logger } from '../logger'

export interface AppState {
  host: AppInfo['host']
  version: string
  activeModel: () => string | null
  executionProvider: () => string | null
  nativeWork: () => NativeWorkStatus
}

export class AppService implements ServiceApi<typeof appSpec> {
  constructor(
    private readonly state: AppState,
    private readonly logger: Logger,
  ) {}

  async info(): Promise<AppInfo> {
    return {
      name: 'DVE Console',
      version: this.state.version,
      host: this.state.host,
      platform: `${process.platform}-${process.arch}`,
      activeModel: this.state.activeModel(),
      executionProvider: this.state.executionProvider(),
      nativeWork: this.state.nativeWork(),
    }
  }

  async recentLogs(): Promise<LogLine[]> {
    return this.logger.recent()
  }
}
