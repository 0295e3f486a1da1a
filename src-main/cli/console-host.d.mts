export function runConsoleHost(command: string, args: string[]): void
