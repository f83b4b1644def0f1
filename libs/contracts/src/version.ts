import { SCHEMA_VERSION_PATTERN } from './primitives';

export interface SchemaVersionParts {
  major: number;
  minor: number;
  patch: number;
}

/** Splits `"1.2"` or `"1.2.3"`; returns undefined for anything else. */
export function parseSchemaVersion(version: string): SchemaVersionParts | undefined {
  const match = SCHEMA_VERSION_PATTERN.exec(version);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/**
 * Whether a reader at `current` can read a message stamped `received`: same MAJOR. Newer MINOR/PATCH only add
 * optional fields, which the reader ignores (forward compatible); older ones lack nothing it requires.
 */
export function isCompatibleSchemaVersion(received: string, current: string): boolean {
  const a = parseSchemaVersion(received);
  const b = parseSchemaVersion(current);
  return a !== undefined && b !== undefined && a.major === b.major;
}

/**
 * A precompiled compatibility test for one current version, for the hot path: a prefix comparison plus the
 * format regex, no allocation.
 */
export function compatibleVersionTest(current: string): (received: string) => boolean {
  const parts = parseSchemaVersion(current);
  if (!parts) throw new TypeError(`invalid current schema version "${current}"`);
  const prefix = `${parts.major}.`;
  return (received) => received.startsWith(prefix) && SCHEMA_VERSION_PATTERN.test(received);
}
