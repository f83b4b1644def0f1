import type { Point } from './port';

// Line protocol escaping (InfluxDB 1.x and 2.x alike): in tag keys, tag values and field keys a comma, an equals
// sign or a space is escaped with a backslash; in a measurement name a comma or a space. Control characters and
// backslashes never get here (validation refuses them), so these rules are complete for what we write.
const TAG_SPECIAL = /[,= ]/g;
const MEASUREMENT_SPECIAL = /[, ]/g;

export function escapeTag(text: string): string {
  return text.replace(TAG_SPECIAL, '\\$&');
}

export function escapeMeasurement(text: string): string {
  return text.replace(MEASUREMENT_SPECIAL, '\\$&');
}

/** Per-batch memo of escaped text: a batch repeats the same machines and channels thousands of times. */
interface Escapes {
  series: Map<string, string>;
  fields: Map<string, string>;
}

function seriesPrefix(measurementEscaped: string, p: Point, memo: Escapes): string {
  const key = `${p.machineId}\u0000${p.machineType}\u0000${p.location}`;
  let prefix = memo.series.get(key);
  if (prefix === undefined) {
    prefix = measurementEscaped;
    if (p.location !== '') prefix += `,location=${escapeTag(p.location)}`;
    prefix += `,machine_id=${escapeTag(p.machineId)},machine_type=${escapeTag(p.machineType)} `;
    memo.series.set(key, prefix);
  }
  return prefix;
}

function fieldKey(name: string, memo: Escapes): string {
  let escaped = memo.fields.get(name);
  if (escaped === undefined) {
    escaped = escapeTag(name);
    memo.fields.set(name, escaped);
  }
  return escaped;
}

function newEscapes(): Escapes {
  return { series: new Map(), fields: new Map() };
}

/**
 * One line of line protocol, ms precision. Tags are written sorted by key (location, machine_id, machine_type), as
 * InfluxDB recommends; an empty location is left out because line protocol has no empty tag values. Every field is
 * written as a float (a JS number's shortest round-trip text, which may use exponent notation: InfluxDB accepts
 * it), so a channel never changes type between points.
 */
export function toLine(measurementEscaped: string, p: Point, memo: Escapes = newEscapes()): string {
  let line = seriesPrefix(measurementEscaped, p, memo);
  let first = true;
  for (const name in p.fields) {
    line += `${first ? '' : ','}${fieldKey(name, memo)}=${String(p.fields[name])}`;
    first = false;
  }
  return `${line} ${p.timestampMs}`;
}

/** Newline-separated lines for `points[from, to)`. */
export function toLines(
  measurementEscaped: string,
  points: readonly Point[],
  from = 0,
  to = points.length,
): string {
  const memo = newEscapes();
  let body = '';
  for (let i = from; i < to; i++)
    body += (i === from ? '' : '\n') + toLine(measurementEscaped, points[i]!, memo);
  return body;
}

// ---- Byte-level encoder: the write path's hot loop ------------------------------------------------------------
//
// `encodeLines` writes the same text as `toLines` straight into bytes. Formatting numbers into strings and
// concatenating them costs ~1.3 µs per point (String(number) alone is ~0.2 µs for a value not in V8's cache) and
// leaves garbage behind; writing digits into a reused buffer costs a fraction of that. Tests check the two agree.

const SCALES = [1, 10, 100, 1000, 10000, 100000, 1000000];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const DOT = 0x2e;
const MINUS = 0x2d;

let scratch = Buffer.allocUnsafe(1 << 20);

function ensure(pos: number, more: number): void {
  if (pos + more <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < pos + more) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  scratch.copy(bigger, 0, 0, pos);
  scratch = bigger;
}

function digitCount(n: number): number {
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  let len = 5;
  for (let t = 100000; n >= t && len < 16; t *= 10) len++;
  return len;
}

/** A non-negative integer below 2^53 in decimal, with a point `decimals` digits from the right. */
function writeScaled(pos: number, n: number, decimals: number): number {
  const len = Math.max(digitCount(n), decimals + 1);
  const end = pos + len + (decimals > 0 ? 1 : 0);
  let i = end - 1;
  let d = 0;
  // Above 2^31 the digits come off as floating-point divisions; the rest as int32 arithmetic.
  while (n > 0x7fffffff) {
    if (decimals > 0 && d === decimals) scratch[i--] = DOT;
    const q = Math.floor(n / 10);
    scratch[i--] = 48 + (n - q * 10);
    n = q;
    d++;
  }
  for (; d < len; d++) {
    if (decimals > 0 && d === decimals) scratch[i--] = DOT;
    const q = (n / 10) | 0;
    scratch[i--] = 48 + (n - q * 10);
    n = q;
  }
  return end;
}

/**
 * A finite number as `String(v)` would write it. Values with at most six decimals below 2^53 (sensor readings)
 * are written from integer digits: the smallest k with round(v·10^k)/10^k === v gives exactly the shortest
 * round-trip text String() produces, since division is correctly rounded. Anything else goes through String().
 */
function writeNumber(pos: number, v: number): number {
  for (let k = 0; k < SCALES.length; k++) {
    const scale = SCALES[k]!;
    const r = Math.round(v * scale);
    if (r / scale === v && r <= MAX_SAFE && r >= -MAX_SAFE) {
      if (r === 0) {
        scratch[pos] = 48;
        return pos + 1;
      }
      if (r < 0) {
        scratch[pos++] = MINUS;
        return writeScaled(pos, -r, k);
      }
      return writeScaled(pos, r, k);
    }
  }
  const text = String(v);
  return pos + scratch.write(text, pos, 'latin1');
}

function writeAscii(pos: number, bytes: Uint8Array): number {
  if (bytes.length > 24) scratch.set(bytes, pos);
  else for (let i = 0; i < bytes.length; i++) scratch[pos + i] = bytes[i]!;
  return pos + bytes.length;
}

/**
 * A timestamp (a non-negative integer below 2^53) in decimal. Today's epoch milliseconds have 13 digits, above
 * int32: written as two int32 halves of at most 7 digits each instead of 13 floating-point divisions.
 */
function writeTimestamp(pos: number, ms: number): number {
  if (ms < 1e7) return writeScaled(pos, ms, 0);
  const high = Math.floor(ms / 1e7);
  let low = ms - high * 1e7;
  pos = writeScaled(pos, high, 0);
  for (let i = pos + 6; i >= pos; i--) {
    const q = (low / 10) | 0;
    scratch[i] = 48 + (low - q * 10);
    low = q;
  }
  return pos + 7;
}

/**
 * Newline-separated line protocol for `points[from, to)` as UTF-8 bytes (a fresh Buffer): the same text as
 * {@link toLines}. The points must have passed `validatePoints`.
 */
export function encodeLines(
  measurementEscaped: string,
  points: readonly Point[],
  from = 0,
  to = points.length,
): Buffer {
  const memo = newEscapes();
  const prefixes = new Map<string, Uint8Array>();
  const keys = new Map<string, Uint8Array>();
  let pos = 0;
  let last: Point | undefined;
  let prefix: Uint8Array = new Uint8Array(0);
  for (let i = from; i < to; i++) {
    const p = points[i]!;
    if (
      last === undefined ||
      p.machineId !== last.machineId ||
      p.machineType !== last.machineType ||
      p.location !== last.location
    ) {
      const text = seriesPrefix(measurementEscaped, p, memo);
      let bytes = prefixes.get(text);
      if (bytes === undefined) {
        bytes = Buffer.from(text, 'utf8');
        prefixes.set(text, bytes);
      }
      prefix = bytes;
    }
    last = p;
    ensure(pos, prefix.length + 32);
    if (i > from) scratch[pos++] = 0x0a;
    pos = writeAscii(pos, prefix);
    const fields = p.fields;
    let j = 0;
    for (const name in fields) {
      let key = keys.get(name);
      if (key === undefined) {
        key = Buffer.from(`${fieldKey(name, memo)}=`, 'utf8');
        keys.set(name, key);
      }
      ensure(pos, key.length + 40);
      if (j > 0) scratch[pos++] = 0x2c;
      j++;
      pos = writeAscii(pos, key);
      pos = writeNumber(pos, fields[name]!);
    }
    ensure(pos, 24);
    scratch[pos++] = 0x20;
    pos = writeTimestamp(pos, p.timestampMs);
  }
  return Buffer.from(scratch.subarray(0, pos));
}
