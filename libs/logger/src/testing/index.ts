import { createLogger, type Logger, type LoggerOptions } from '../logger';

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface CapturedLogger {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines(): LogLine[];
  /** The first line with this message, if any. */
  find(msg: string): LogLine | undefined;
  clear(): void;
}

/**
 * A real logger (same fields, redaction and serialisers as production) that keeps its lines in memory, so tests
 * assert on what was logged instead of spying on calls. Level defaults to `trace`.
 */
export function createCapturedLogger(options: Partial<LoggerOptions> = {}): CapturedLogger {
  let raw: string[] = [];
  const logger = createLogger({
    service: 'test',
    version: '0.0.0',
    profile: 'lite',
    level: 'trace',
    ...options,
    destination: { write: (line: string) => void raw.push(line) },
  });
  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
  return {
    logger,
    lines,
    find: (msg) => lines().find((line) => line.msg === msg),
    clear: () => {
      raw = [];
    },
  };
}
