import type { z } from 'zod';

/** Stable, machine-readable issue codes; the `message` is for people, the code is for dashboards and tests. */
export const IssueCode = {
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  INVALID_ENCODING: 'invalid_encoding',
  INVALID_JSON: 'invalid_json',
  UNSUPPORTED_SCHEMA_VERSION: 'unsupported_schema_version',
  MISSING_FIELD: 'missing_field',
  INVALID_TYPE: 'invalid_type',
  NON_FINITE_NUMBER: 'non_finite_number',
  INVALID_TIMESTAMP: 'invalid_timestamp',
  INVALID_FORMAT: 'invalid_format',
  INVALID_VALUE: 'invalid_value',
  INVALID_KEY: 'invalid_key',
  TOO_SMALL: 'too_small',
  TOO_BIG: 'too_big',
  UNKNOWN_MACHINE_TYPE: 'unknown_machine_type',
  UNKNOWN_CHANNEL: 'unknown_channel',
  INCONSISTENT: 'inconsistent',
} as const;

export type IssueCode = (typeof IssueCode)[keyof typeof IssueCode];

/** One thing wrong with a message. `path` is `''` for the payload itself, else e.g. `readings.temperature`. */
export interface ContractIssue {
  code: IssueCode;
  path: string;
  message: string;
}

export type ParseSuccess<T> = { ok: true; value: T };
export type ParseFailure = {
  ok: false;
  /** Every issue in one line, `path: message; path: message`, for logs and DLQ records. */
  reason: string;
  /** The issues, in payload order; at most {@link MAX_ISSUES}. */
  issues: ContractIssue[];
};
export type ParseResult<T> = ParseSuccess<T> | ParseFailure;

/** Bound on the issues kept per message, so a 1 MB payload of junk cannot produce a 1 MB DLQ reason. */
export const MAX_ISSUES = 100;
/** How many issues the one-line reason spells out before summarising the rest. */
const MAX_ISSUES_IN_REASON = 10;

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['readings', 'temperature']` -> `readings.temperature`; odd keys are quoted: `readings["Volume Flow"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += SIMPLE_KEY.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export function formatReason(issues: readonly ContractIssue[], total = issues.length): string {
  const shown = issues
    .slice(0, MAX_ISSUES_IN_REASON)
    .map((issue) => `${issue.path || 'payload'}: ${issue.message}`);
  const more = total - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more issue${more === 1 ? '' : 's'}` : shown.join('; ');
}

export function failure(issues: ContractIssue[]): ParseFailure {
  const total = issues.length;
  const kept = total > MAX_ISSUES ? issues.slice(0, MAX_ISSUES) : issues;
  return { ok: false, reason: formatReason(kept, total), issues: kept };
}

/** A short, safe rendering of a received value for a message: strings quoted and truncated. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40
        ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`
        : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'object':
      return value instanceof Number || value instanceof String || value instanceof Boolean
        ? `a boxed ${typeof value.valueOf()} object`
        : 'an object';
    default:
      return `a ${typeof value}`;
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookup(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const segment of path) {
    if (!isPlainRecord(current) && !Array.isArray(current)) return { found: false, value: undefined };
    const container = current as Record<PropertyKey, unknown>;
    if (!Object.prototype.hasOwnProperty.call(container, segment)) return { found: false, value: undefined };
    current = container[segment];
  }
  return { found: true, value: current };
}

function nonFinite(value: unknown): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}

function bound(issue: { inclusive?: boolean }, strictWord: string, inclusiveWord: string): string {
  return issue.inclusive === false ? strictWord : inclusiveWord;
}

/**
 * Turns one zod issue into our wording. zod's own messages ("Invalid input: expected number, received NaN")
 * say neither which field is missing nor what was received; the received value is looked up in the input
 * here, on the error path only, so the success path never pays for it.
 */
export function fromZodIssue(issue: z.core.$ZodIssue, input: unknown): ContractIssue {
  const path = formatPath(issue.path);
  const { found, value } = lookup(input, issue.path);
  const make = (code: IssueCode, message: string): ContractIssue => ({ code, path, message });

  if (nonFinite(value))
    return make(IssueCode.NON_FINITE_NUMBER, `must be a finite number, got ${describeValue(value)}`);
  switch (issue.code) {
    case 'invalid_type':
      if (!found) return make(IssueCode.MISSING_FIELD, 'is required');
      return make(IssueCode.INVALID_TYPE, `expected ${article(issue.expected)}, got ${describeValue(value)}`);
    case 'invalid_union': {
      const expected = [
        ...new Set(
          issue.errors.flatMap((branch) =>
            branch.filter((b) => b.code === 'invalid_type').map((b) => b.expected),
          ),
        ),
      ];
      if (!found) return make(IssueCode.MISSING_FIELD, 'is required');
      return make(
        IssueCode.INVALID_TYPE,
        `expected ${joinOr(expected.map(article))}, got ${describeValue(value)}`,
      );
    }
    case 'invalid_format':
      return make(
        issue.format === 'datetime' ? IssueCode.INVALID_TIMESTAMP : IssueCode.INVALID_FORMAT,
        `${issue.message}, got ${describeValue(value)}`,
      );
    case 'invalid_value':
      return make(
        IssueCode.INVALID_VALUE,
        `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`,
      );
    case 'invalid_key': {
      const inner = issue.issues[0];
      const why = inner?.code === 'invalid_format' ? inner.message : 'is not allowed';
      const key = String(issue.path[issue.path.length - 1]);
      return make(IssueCode.INVALID_KEY, `key ${JSON.stringify(key)} ${why}`);
    }
    case 'too_small': {
      const op = bound(issue, 'greater than', 'at least');
      if (issue.origin === 'string')
        return make(IssueCode.TOO_SMALL, `must be ${op} ${issue.minimum} characters long`);
      if (issue.origin === 'array')
        return make(IssueCode.TOO_SMALL, `must have ${op} ${issue.minimum} items`);
      return make(IssueCode.TOO_SMALL, `must be ${op} ${issue.minimum}, got ${describeValue(value)}`);
    }
    case 'too_big': {
      const op = bound(issue, 'less than', 'at most');
      if (issue.origin === 'string')
        return make(
          IssueCode.TOO_BIG,
          `must be ${op} ${issue.maximum} characters long, got ${describeValue(value)}`,
        );
      if (issue.origin === 'array') return make(IssueCode.TOO_BIG, `must have ${op} ${issue.maximum} items`);
      return make(IssueCode.TOO_BIG, `must be ${op} ${issue.maximum}, got ${describeValue(value)}`);
    }
    case 'custom': {
      const code = (issue.params as { code?: IssueCode } | undefined)?.code ?? IssueCode.INVALID_VALUE;
      return make(code, issue.message);
    }
    default:
      return make(IssueCode.INVALID_VALUE, issue.message);
  }
}

function article(zodType: string): string {
  // zod calls a record's type "record"; on the wire it is a JSON object.
  const type = zodType === 'record' ? 'object' : zodType;
  if (type === 'object' || type === 'array') return `an ${type}`;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Levenshtein distance, bounded: returns `max + 1` as soon as the distance must exceed `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance (case-insensitive), for "did you mean" hints. */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(needle.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase(), limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
