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
