import { z } from 'zod';

// Field schemas shared by several topics. The regexes are exported so that the sensor-reading fast path
// (sensor-reading.ts) tests exactly what the zod schemas test.

/** `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`, no leading zeros, no pre-release tags. */
export const SCHEMA_VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;

/**
 * Ids that travel as Kafka keys, InfluxDB tags and URL segments: letters, digits and `. _ : -`, starting with
 * a letter or digit, at most 128 characters. UUIDs and `mill-001`-style names both fit.
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Machine type names are kebab-case (`cnc-mill`, `cmapss-turbofan`), at most 64 characters. */
export const MACHINE_TYPE_NAME_PATTERN = /^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Channel names are snake_case starting with a letter, at most 64 characters, so they are safe as JSON keys,
 * InfluxDB field names, Prometheus labels and Python identifiers. `__proto__` can never match.
 */
export const CHANNEL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Metadata keys: a letter, then letters, digits, `_ . -`; at most 64 characters. */
export const METADATA_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Model versions are free-form (`skab-conv-ae@3`, `rul-lstm:2024-05-01`) but have no whitespace. */
export const MODEL_VERSION_PATTERN = /^\S{1,128}$/;

/**
 * RFC 3339 profile of ISO-8601: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`. The timezone is mandatory
 * because readings cross plants and time zones; a local time would be silently shifted by every consumer.
 * This is the regex zod uses for `z.iso.datetime({ offset: true })` (a test checks they stay equal).
 */
export const ISO_DATETIME_PATTERN: RegExp = z.regexes.datetime({
  offset: true,
  local: false,
  precision: null,
});

export const MAX_METADATA_ENTRIES = 32;
export const MAX_METADATA_STRING_LENGTH = 256;
export const MAX_CHANNELS = 256;

export const SchemaVersionSchema = z
  .string({ error: 'must be a string like "1.0"' })
  .regex(SCHEMA_VERSION_PATTERN, {
    error: 'must be a version "MAJOR.MINOR" or "MAJOR.MINOR.PATCH" (e.g. "1.0")',
  })
  .describe(
    'Version of this message shape, "MAJOR.MINOR" or "MAJOR.MINOR.PATCH"; readers accept any MINOR/PATCH of their MAJOR.',
  );

export const IdentifierSchema = z.string().regex(IDENTIFIER_PATTERN, {
  error: 'must be 1-128 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
});

export const MachineTypeNameSchema = z.string().regex(MACHINE_TYPE_NAME_PATTERN, {
  error: 'must be a kebab-case name of at most 64 characters (e.g. "cnc-mill")',
});

export const ChannelNameSchema = z.string().regex(CHANNEL_NAME_PATTERN, {
  error: 'must be a snake_case channel name of at most 64 characters, starting with a letter',
});

export const ModelVersionSchema = z
  .string()
  .regex(MODEL_VERSION_PATTERN, { error: 'must be 1-128 characters without whitespace' })
  .describe('Version of the model that produced this message, as registered in the model registry.');

export const TimestampSchema = z.iso
  .datetime({
    offset: true,
    error:
      'must be an ISO-8601 date-time with a timezone, e.g. "2024-05-01T12:00:00Z" or "2024-05-01T14:00:00+02:00"',
  })
  .describe('ISO-8601 (RFC 3339) date-time with a mandatory timezone (Z or ±hh:mm).');

/** zod 4's `z.number()` already rejects NaN and ±Infinity; the name says so for readers of the schemas. */
export const FiniteNumberSchema = z.number();

export const MetadataValueSchema = z.union([
  z.string().max(MAX_METADATA_STRING_LENGTH),
  FiniteNumberSchema,
  z.boolean(),
]);

export const MetadataSchema = z
  .record(
    z.string().regex(METADATA_KEY_PATTERN, {
      error:
        'must start with a letter and contain only letters, digits, "_", "." or "-" (at most 64 characters)',
    }),
    MetadataValueSchema,
  )
  .refine((record) => Object.keys(record).length <= MAX_METADATA_ENTRIES, {
    error: `must have at most ${MAX_METADATA_ENTRIES} entries`,
  })
  .meta({
    maxProperties: MAX_METADATA_ENTRIES,
    description:
      'Free-form context (plant, line, location, firmware...): strings (≤ 256 chars), finite numbers or booleans.',
  });

export const PrioritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Priority = z.infer<typeof PrioritySchema>;

/**
 * A record of channel name to finite number, as used by `readings` and `feature_contributions`. Which names
 * are allowed depends on the machine type, so that check lives in the parser, not in the schema.
 */
export function channelRecordSchema(description: string, { nonEmpty }: { nonEmpty: boolean }) {
  const record = z.record(ChannelNameSchema, FiniteNumberSchema);
  const checked = nonEmpty
    ? record.refine((r) => Object.keys(r).length > 0, { error: 'must contain at least one channel' })
    : record;
  return checked.meta({
    ...(nonEmpty ? { minProperties: 1 } : {}),
    maxProperties: MAX_CHANNELS,
    description,
  });
}
