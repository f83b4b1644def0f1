export { LOG_LEVELS, REDACTED, REDACTED_KEYS, createLogger } from './logger';
export type { LogLevel, Logger, LoggerOptions } from './logger';
