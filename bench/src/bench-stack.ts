// A stack for one phase of the bench, always torn down: after the phase, on an error, or on Ctrl-C.
// Its database (sora_bench_<random>) and Redis prefix are dropped with it; the emulator runs as a child process.
import { startStack, type Stack } from '@sora-studio/e2e';
import { BENCH_EMULATOR_ENV, BENCH_ENV } from './bench-settings.ts';
import { liftUserLimits } from './bench-user.ts';
import { spawnEmulator } from './emulator-process.ts';

export async function withBenchStack<T>(options: { workers: boolean }, phase: (stack: Stack) => Promise<T>): Promise<T> {
  const emulator = await spawnEmulator(BENCH_EMULATOR_ENV);
  const stack = await startStack('bench', { emulator, profile: 'production', logs: 'silent', workers: options.workers, env: BENCH_ENV })
    .catch(async (error: unknown) => {
      await emulator.close();
      throw error;
    });
  const stop = async () => {
    await stack.stop();
    await emulator.close();
  };
  const interrupted = () => {
    console.error('interrupted: removing the bench database and Redis keys');
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    await liftUserLimits(stack.db, stack.user.id);
    return await phase(stack);
  } finally {
    process.off('SIGINT', interrupted);
    await stop();
  }
}
