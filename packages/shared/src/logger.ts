// pino for every log line. Lines about a video carry `videoId` and `requestId`, so one grep follows it.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** `destination` defaults to stdout; tests pass a stream to read the lines back. */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'apiKey'], censor: '[redacted]' },
  }, destination);
}
