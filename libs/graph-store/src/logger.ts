/** Minimal structured logger the adapters write to (pino's shape). */
export interface StoreLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: StoreLogger = { debug() {}, info() {}, warn() {}, error() {} };
