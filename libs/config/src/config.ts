import { AppError, ErrorCode } from '@industrialmind/errors';
import { z } from 'zod';
import { SECRET_NAME_PATTERN, isSecretField } from './schema';

/** Where variables come from: `process.env` in services, a plain object in tests. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** What {@link loadConfig} accepts: an object of env fields, optionally piped into a mapping to nested config. */
export type ConfigSchema = z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodType>;

/** One bad variable: its name, the (masked) value it had and what is wrong with it. */
export interface ConfigProblem {
  key: string;
  message: string;
  /** The raw value, `***` for secrets, absent when the variable is unset. */
  value?: string;
}

const MASK = '***';
const MAX_SHOWN_VALUE_CHARS = 80;

function formatProblem({ key, message, value }: ConfigProblem): string {
  return value === undefined ? `${key}: ${message}` : `${key}=${JSON.stringify(value)}: ${message}`;
}

/**
 * The one error thrown for a bad environment. Its message lists every problem, one per line, with secret values
 * masked; `details.problems` carries the same list for structured logs.
 */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super(
      ErrorCode.CONFIG_INVALID,
      [`invalid configuration (${count}):`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n'),
      {
        details: { problems },
      },
    );
    // `name` stays 'AppError' on purpose: isAppError() falls back to it when instanceof cannot see across copies.
    this.problems = problems;
  }
}

function objectOf(schema: ConfigSchema): z.ZodObject {
  return schema instanceof z.ZodPipe ? (schema.in as z.ZodObject) : schema;
}

/** Secret values recorded per loaded config, so redactConfig() masks them wherever the mapping put them. */
const secretValuesByConfig = new WeakMap<object, ReadonlySet<string>>();

function stringLeaves(value: unknown, into: Set<string>): void {
  if (typeof value === 'string' && value.length > 0) into.add(value);
  else if (Array.isArray(value)) value.forEach((item) => stringLeaves(item, into));
  else if (value !== null && typeof value === 'object')
    Object.values(value).forEach((item) => stringLeaves(item, into));
}

function describeIssue(issue: z.core.$ZodIssue, raw: string | undefined): string {
  if (raw === undefined && issue.code === 'invalid_type') return 'is required';
  const rest = issue.path.slice(1);
  const where =
    rest.length === 0
      ? ''
      : `item ${rest.map((p) => (typeof p === 'number' ? p + 1 : String(p))).join('.')}: `;
  return `${where}${issue.message}`;
}

/**
 * Parses the environment once through `schema` and returns the typed (possibly nested) config. Empty strings
 * count as unset. On failure throws one {@link ConfigError} listing every bad variable, secrets masked.
 *
 * @example
 * const schema = envSchema({ KAFKA_BROKERS: env.list(), DB_PASSWORD: secret(env.string()) },
 *   (e) => ({ kafka: { brokers: e.KAFKA_BROKERS }, db: { password: e.DB_PASSWORD } }));
 * export type Config = z.output<typeof schema>;
 * export const loadServiceConfig = () => loadConfig(schema);
 */
export function loadConfig<S extends ConfigSchema>(schema: S, source: EnvSource = process.env): z.output<S> {
  const shape = objectOf(schema).shape as Record<string, z.ZodType>;
  const vars: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    vars[key] = value === '' ? undefined : value;
  }
  const isSecretKey = (key: string) => isSecretField(key, shape[key]);

  const result = schema.safeParse(vars);
  if (!result.success) {
    const problems: ConfigProblem[] = result.error.issues.map((issue) => {
      const key = issue.path.length > 0 ? String(issue.path[0]) : '(config)';
      const raw = vars[key];
      const problem: ConfigProblem = { key, message: describeIssue(issue, raw) };
      if (raw !== undefined) {
        problem.value = isSecretKey(key)
          ? MASK
          : raw.length > MAX_SHOWN_VALUE_CHARS
            ? `${raw.slice(0, MAX_SHOWN_VALUE_CHARS)}...`
            : raw;
      }
      return problem;
    });
    throw new ConfigError(problems);
  }

  const config = result.data as z.output<S>;
  if (config !== null && typeof config === 'object') {
    const secrets = new Set<string>();
    for (const [key, fieldSchema] of Object.entries(shape)) {
      if (!isSecretKey(key) || vars[key] === undefined) continue;
      stringLeaves(vars[key], secrets);
      stringLeaves(fieldSchema.safeParse(vars[key]).data, secrets);
    }
    secretValuesByConfig.set(config, secrets);
  }
  return config;
}

// Credentials inside URLs (`postgres://user:pass@host/db`): keep the user, mask the password.
const URL_PASSWORD = /^([a-z][a-z\d+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/i;
// Shorter secrets are only masked on an exact match: replacing them inside other strings would mangle those.
const MIN_EMBEDDED_SECRET_CHARS = 6;

function redactValue(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    if (secrets.has(value)) return MASK;
    let text = value.replace(URL_PASSWORD, `$1:${MASK}@`);
    for (const s of secrets) if (s.length >= MIN_EMBEDDED_SECRET_CHARS) text = text.split(s).join(MASK);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    if (value instanceof URL) return redactValue(value.href, secrets);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        SECRET_NAME_PATTERN.test(key) && item !== undefined && item !== null
          ? MASK
          : redactValue(item, secrets);
    }
    return out;
  }
  return value;
}

/**
 * A copy of a config that is safe to log: values under keys named like secrets, values that came from secret
 * variables (wherever the mapping put them) and passwords inside URLs are replaced by `***`.
 */
export function redactConfig(config: object): Record<string, unknown> {
  return redactValue(config, secretValuesByConfig.get(config) ?? new Set()) as Record<string, unknown>;
}
