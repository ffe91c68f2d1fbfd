// A bench phase's teardown: what it started is stopped in reverse order when the phase ends, throws, or is
// interrupted with Ctrl-C, so no database, Redis key, object or process is left behind.
export type Defer = (cleanup: () => Promise<unknown>) => void;

export async function withTeardown<T>(interruptedMessage: string, run: (defer: Defer) => Promise<T>): Promise<T> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
    cleanups.length = 0;
  };
  const interrupted = (): void => {
    console.error(`interrupted: ${interruptedMessage}`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    return await run((cleanup) => cleanups.push(cleanup));
  } finally {
    process.off('SIGINT', interrupted);
    await stop();
  }
}
