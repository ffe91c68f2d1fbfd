// What the stack prints: its own lines, each child's lines under the child's name, and failures
// that end the run with one readable line instead of a stack trace.
import { ConfigError } from '@sora-studio/shared';

const colors = process.stdout.isTTY;
const NAME_WIDTH = 8;
const PALETTE = { stack: 1, emulator: 35, api: 36, worker: 33 } as const satisfies Record<string, number>;

/** A failure we expect and can explain; stack.ts prints its message alone and exits 1. */
export class StackFailure extends Error {}

export function failure(message: string): StackFailure {
  return new StackFailure(message);
}

export function paint(code: number, text: string): string {
  return colors ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function label(name: string): string {
  const code = PALETTE[name as keyof typeof PALETTE] ?? 0;
  return `${paint(code, name.padEnd(NAME_WIDTH))}| `;
}

/** A line under a service's name, so interleaved pino JSON stays attributable. */
export function printServiceLine(name: string, line: string): void {
  process.stdout.write(`${label(name)}${line}\n`);
}

export function say(line: string): void {
  printServiceLine('stack', line);
}

export function shout(text: string): void {
  for (const line of text.split('\n')) process.stderr.write(`${label('stack')}${paint(31, line)}\n`);
}

/** URLs go to the terminal without their password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * Runs a script's body; an expected failure (bad config, a server down) ends the process with its
 * message and exit code 1, anything else with its stack, because that one is our bug.
 */
export async function exitOnFailure(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const expected = error instanceof StackFailure || error instanceof ConfigError;
    shout(expected ? error.message : String((error as Error).stack ?? error));
    process.exitCode = 1;
  }
}
