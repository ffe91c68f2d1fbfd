// The provider emulator: a real HTTP server speaking OpenAI's /v1/videos API, with scriptable faults.
export { buildEmulator } from './app.ts';
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './start-emulator.ts';
export { loadEmulatorConfig, type EmulatorOptions, type EmulatorSettings } from './emulator.config.ts';
export { parseFaultDirectives, type FaultDirectives } from './faults/fault-directives.ts';
export type { EmulatorStatsSnapshot } from './stats/emulator-stats.ts';
