// Helpers that build Flux source text. Every value that comes from a caller goes through fluxString or fluxTime;
// nothing is spliced into a query unescaped, so a machine id such as `m") |> drop(` stays a string.

// Escapes that Flux string literals understand (the parser of Flux 0.65, the one inside InfluxDB 1.8, accepts
// exactly \\ \" \$ \n \r \t and \xNN). `$` is escaped because `${` starts interpolation in newer Flux.
const FLUX_STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  $: '\\$',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A Flux string literal, quoted and escaped. */
export function fluxString(value: string): string {
  return `"${value.replace(/[\\"$\n\r\t]/g, (c) => FLUX_STRING_ESCAPES[c]!)}"`;
}

/** A Flux time literal (RFC 3339, ms precision) for ms since the epoch. */
export function fluxTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The `stop` of a Flux range meaning "before `ms`": the last nanosecond before it. Flux documents `stop` as
 * exclusive, but InfluxDB 1.8's storage treats it as inclusive (influxdata/influxdb#19966), so `stop: ms` would
 * return points at exactly `ms`. Our points have ms precision, so nothing lies in (ms - 1 ns, ms): this bound is
 * right on 1.8 (inclusive) and on 2.x (exclusive) alike.
 */
export function fluxStopBefore(ms: number): string {
  return new Date(ms - 1).toISOString().replace(/Z$/, '999999Z');
}

/** A Flux duration literal in milliseconds. */
export function fluxDurationMs(ms: number): string {
  return `${Math.trunc(ms)}ms`;
}

/** `r.<column> == "a" or r.<column> == "b"`, parenthesised; the column name is ours, never a caller's. */
export function anyOf(column: string, values: readonly string[]): string {
  return `(${values.map((v) => `r.${column} == ${fluxString(v)}`).join(' or ')})`;
}

/** Parses a Flux RFC 3339 timestamp (ns precision at most) into ms since the epoch, dropping sub-ms digits. */
export function parseFluxTimeMs(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`unparseable Flux timestamp ${JSON.stringify(text)}`);
  return ms;
}
