// Log lines kept in memory, parsed, so a test can read what the services logged. The loggers come from
// createLogger, so the lines have exactly the shape they have in production, `service` included.
import { createLogger, type Logger } from '@sora-studio/shared';

export type LogLine = Record<string, unknown>;

export interface LogCapture {
  /** Every line written so far by any logger of this capture, in order. */
  lines: LogLine[];
  /** A logger whose lines land in `lines`, tagged with `service`. */
  logger(service: string): Logger;
}

export function captureLogs(level = 'info'): LogCapture {
  const lines: LogLine[] = [];
  const destination = { write: (line: string) => { lines.push(JSON.parse(line) as LogLine); } };
  return { lines, logger: (service) => createLogger(service, level, destination) };
}
