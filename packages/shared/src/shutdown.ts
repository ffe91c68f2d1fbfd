// A graceful stop for every process: on the first SIGTERM or SIGINT, `close` releases what the process holds
// (servers, workers, queues, connections), then the process exits 0, or 1 if closing failed. Once a signal
// has been handled its listener is gone, so a second one of the same kind stops the process at once.
import type { Logger } from './logger.ts';

export function onShutdownSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.fatal({ err: error }, 'did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}
