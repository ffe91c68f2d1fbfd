// Process entry: `node services/emulator/src/server.ts`. Reads the environment once, listens, and stops cleanly on
// SIGTERM or SIGINT.
import { ConfigError, createLogger, onShutdownSignals } from '@sora-studio/shared';
import { loadEmulatorConfig } from './emulator.config.ts';
import { startEmulator } from './start-emulator.ts';

async function main(): Promise<void> {
  const config = loadEmulatorConfig();
  const logger = createLogger('emulator', config.logLevel);
  const emulator = await startEmulator({ ...config.settings, host: config.host, port: config.port, logger });
  logger.info({ baseUrl: emulator.baseUrl, renderMs: config.settings.renderMs }, 'emulator listening');

  onShutdownSignals(logger, () => emulator.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
