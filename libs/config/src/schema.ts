import { z } from 'zod';

/** Environment variable names that hold secrets even when their schema is not wrapped in {@link secret}. */
export const SECRET_NAME_PATTERN = /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** The deployment profiles: `PROFILE` chooses adapters only, service logic never reads it. */
export const PROFILES = ['lite', 'full'] as const;
export type Profile = (typeof PROFILES)[number];

// Marks are kept in a registry of their own so that they survive `.describe()`/`.meta()` clones (zod registries
// inherit metadata from a clone's parent) without adding keys to the global registry that JSON Schema output reads.
const secretMarks = z.registry<{ secret: true }>();

/**
 * Marks an env field as secret: its value is masked in {@link ConfigError} messages and in `redactConfig` output,
 * whatever its name. Names matching {@link SECRET_NAME_PATTERN} are secret without the mark.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  const marked = schema.clone();
  secretMarks.add(marked, { secret: true });
  return marked;
}

type SchemaInternals = { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType } } };

/** Whether a field schema carries the {@link secret} mark, looking through optional/default/pipe wrappers. */
export function isSecretSchema(schema: z.ZodType): boolean {
  const seen = new Set<z.ZodType>();
  const queue: z.ZodType[] = [schema];
  while (queue.length > 0) {
    const current = queue.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    if (secretMarks.get(current)?.secret) return true;
    const def = (current as unknown as SchemaInternals)._zod.def;
    for (const next of [def.innerType, def.in, def.out]) if (next) queue.push(next);
  }
  return false;
}

/** Whether an env field is secret: marked with {@link secret} or named like one. */
export function isSecretField(name: string, schema?: z.ZodType): boolean {
  return SECRET_NAME_PATTERN.test(name) || (schema !== undefined && isSecretSchema(schema));
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "250", "250ms", "30s", "5m" or "1h" into milliseconds; plain numbers are milliseconds. */
function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 'ms']!;
}

interface Bounds {
  min?: number;
  max?: number;
}

function bounded(schema: z.ZodNumber, { min, max }: Bounds): z.ZodNumber {
  let result = schema;
  if (min !== undefined) result = result.min(min, { error: `must be >= ${min}` });
  if (max !== undefined) result = result.max(max, { error: `must be <= ${max}` });
  return result;
}

/**
 * Field builders for environment variables. Each takes the raw string and yields a typed value; chain zod's
 * `.default()` (harmless tuning knobs only, never addresses or credentials), `.optional()` and `.describe()`.
 */
export const env = {
  /** A non-blank string, trimmed. */
  string: () => z.string().trim().min(1, { error: 'must not be blank' }),

  /** A comma-separated list (`KAFKA_BROKERS=a:9092,b:9092`); blanks are dropped, each item is checked by `item`. */
  list: <T extends z.ZodType<unknown, string> = z.ZodString>(item?: T, { min = 1 }: { min?: number } = {}) =>
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      )
      .pipe(
        z
          .array((item ?? z.string()) as T)
          .min(min, { error: `must list at least ${min} comma-separated item${min === 1 ? '' : 's'}` }),
      ),

  /** An integer, optionally bounded. */
  int: (bounds: Bounds = {}) =>
    z
      .string()
      .trim()
      .regex(/^[+-]?\d+$/, { error: 'must be an integer' })
      .transform(Number)
      .pipe(bounded(z.number().int({ error: 'must be a safe integer' }), bounds)),

  /** A TCP port, 0 (any free port) to 65535. */
  port: () => env.int({ min: 0, max: 65535 }),

  /** "true"/"false"/"1"/"0", case-insensitive. */
  bool: () =>
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' }))
      .transform((text) => text === 'true' || text === '1'),

  /** A duration in milliseconds: "500" (ms), "500ms", "30s", "5m" or "1h". */
  durationMs: (bounds: Bounds = {}) =>
    z
      .string()
      .transform((text, ctx) => {
        const ms = parseDurationMs(text);
        if (ms === undefined) {
          ctx.issues.push({
            code: 'custom',
            message: 'must be a duration such as 500, 500ms, 30s, 5m or 1h',
            input: text,
          });
          return z.NEVER;
        }
        return ms;
      })
      .pipe(bounded(z.number(), bounds)),

  /** One of a fixed set of strings. */
  enum: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `must be one of ${values.join(', ')}` }),

  /**
   * An absolute URL with a host, kept as a string (`influx:8086` is rejected: WHATWG would read `influx:` as its
   * scheme). `protocols` restricts the scheme (no colon); `requireHost: false` admits `file:///models`.
   */
  url: ({ protocols, requireHost = true }: { protocols?: readonly string[]; requireHost?: boolean } = {}) =>
    z.url({
      ...(protocols === undefined
        ? {}
        : { protocol: new RegExp(`^(?:${protocols.map((p) => p.replace(/[.+]/g, '\\$&')).join('|')})$`) }),
      ...(requireHost ? { hostname: /./ } : {}),
      error: `must be an absolute ${protocols === undefined ? '' : `${protocols.join(' or ')} `}URL${requireHost ? ' with a host' : ''}`,
    }),

  /** `PROFILE`: lite | full. */
  profile: () => env.enum(PROFILES),
};

/**
 * Builds the schema of a service's environment from fields named after the env variables, plus an optional `map`
 * from the flat, parsed variables to the nested config the code uses (`e.KAFKA_BROKERS` -> `config.kafka.brokers`).
 * Adapter libs export their fields as plain objects (`kafkaEnv`) that a service spreads into its own.
 */
export function envSchema<S extends z.ZodRawShape>(shape: S): z.ZodObject<S>;
export function envSchema<S extends z.ZodRawShape, T>(
  shape: S,
  map: (vars: z.output<z.ZodObject<S>>) => T,
): z.ZodPipe<z.ZodObject<S>, z.ZodTransform<Awaited<T>, z.output<z.ZodObject<S>>>>;
export function envSchema<S extends z.ZodRawShape, T>(shape: S, map?: (vars: z.output<z.ZodObject<S>>) => T) {
  const vars = z.object(shape);
  return map === undefined ? vars : vars.transform(map);
}
