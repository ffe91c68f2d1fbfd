// A graceful stop for every process: on the first SIGTERM or SIGINT, `close` releases what the process holds
// (servers, workers, queues, connections), then the process exits 0, or 1 if closing failed. Once a signal
// has been handled its listener is gone, so a second one of the same kind stops the process at once.
//
// A supervisor that must not leave us running when it dies (the `npm start` runner, scripts/stack/processes.ts)
// sets SORA_PARENT_LIFELINE=stdin and keeps our stdin a pipe it never writes to. The kernel closes that pipe
// however the supervisor ends, SIGKILL included, so end-of-input means "stop now". Nobody is left to kill us
// if closing hangs, so that stop has a deadline. The variable is read here, not in config.ts, because it is
// a contract with whoever spawned the process, not a setting of the service.
import type { Logger } from './logger.ts';

/** How long a process whose supervisor died may take to close before it exits anyway. */
export const LIFELINE_GRACE_MS = 3_000;

type StopCause = { signal: NodeJS.Signals } | { lifeline: 'closed' };

export function onShutdownSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (cause: StopCause) => {
    if (stopping) return;
    stopping = true;
    logger.info(cause, 'shutting down');
    try {
      await close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.fatal({ err: error }, 'did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void stop({ signal }));
  process.once('SIGINT', (signal) => void stop({ signal }));
  if (process.env.SORA_PARENT_LIFELINE === 'stdin') {
    onStdinClosed(() => {
      setTimeout(() => {
        logger.fatal({ graceMs: LIFELINE_GRACE_MS }, 'did not stop in time after the supervisor went away');
        process.exit(1);
      }, LIFELINE_GRACE_MS).unref();
      void stop({ lifeline: 'closed' });
    });
  }
}

function onStdinClosed(then: () => void): void {
  const stdin = process.stdin;
  let closed = false;
  const once = () => {
    if (closed) return;
    closed = true;
    then();
  };
  stdin.once('end', once);
  // A read error (EIO, EPIPE) means the other end is gone just the same.
  stdin.once('error', once);
  // The supervisor never writes; anything that arrives is dropped so the pipe cannot fill.
  stdin.on('data', () => undefined);
}
