import { z } from 'zod';
import {
  IssueCode,
  closestMatch,
  describeValue,
  formatPath,
  formatReason,
  fromZodIssue,
  failure,
  type ContractIssue,
  type ParseResult,
} from './issues';
import { checkMachineType, type MachineTypeRegistry, type RegisteredMachineType } from './machine-type';
import {
  ChannelNameSchema,
  IDENTIFIER_PATTERN,
  ISO_DATETIME_PATTERN,
  IdentifierSchema,
  MAX_CHANNELS,
  MachineTypeNameSchema,
  MetadataSchema,
  SchemaVersionSchema,
  TimestampSchema,
} from './primitives';
import { isValidMetadata, type SensorReading, type SensorReadingMetadata } from './sensor-reading';

/**
 * Most readings one sensor-readings message may carry in a batch form. With ~300 bytes a reading in the array
 * form, the default 64 KiB message cap is reached first (~200 readings); this bounds the work one message can
 * cause.
 */
export const MAX_READINGS_PER_MESSAGE = 1000;

/** One row: reading id, timestamp, then one value per channel of the header (null: not measured). */
export type SensorReadingRow = [string, string, ...Array<number | null>];

/**
 * The row form of a batch (since 1.2): one machine's readings under one header. Machine, type, metadata and
 * the channel names are written once; each reading is a row `[reading_id, timestamp, v1, v2, …]` with one value
 * per channel in `channels` order (`null` when that channel was not measured). A reading built from a row is
 * exactly the single reading `{schema_version, reading_id, timestamp, machine_id, machine_type, readings,
 * metadata}` with `readings` holding its non-null values, so both forms mean the same thing; this one is about a
 * quarter of the bytes and parses three times faster.
 */
export const SensorReadingRowsSchema = z
  .object({
    schema_version: SchemaVersionSchema,
    machine_id: IdentifierSchema.describe('Machine that produced every row; the Kafka key.'),
    machine_type: MachineTypeNameSchema.describe('Registered machine type of the machine.'),
    metadata: MetadataSchema.optional(),
    channels: z
      .array(ChannelNameSchema)
      .min(1, { error: 'must name at least one channel' })
      .max(MAX_CHANNELS, { error: `must name at most ${MAX_CHANNELS} channels` })
      .describe('Channels of machine_type, each once; row values follow this order.'),
    rows: z
      .array(
        z.tuple([IdentifierSchema, TimestampSchema], z.number().nullable()).meta({
          description:
            'reading_id, timestamp, then one value per channel (null: not measured); at least one value is a number.',
        }),
      )
      .min(1, { error: 'must hold at least one row' })
      .max(MAX_READINGS_PER_MESSAGE, { error: `must hold at most ${MAX_READINGS_PER_MESSAGE} rows` })
      .describe('The readings, in time order.'),
  })
  .meta({
    title: 'sensor-readings message, row form',
    description:
      "Since 1.2: a batch of one machine's readings as rows under one header (topic sensor-readings, key machine_id). Each row is the reading {reading_id, timestamp, machine_id, machine_type, readings: {channel: value for the non-null values}, metadata}; each row is validated, and dead-lettered, on its own.",
  });

export type SensorReadingRows = z.infer<typeof SensorReadingRowsSchema>;

/** Whether a decoded JSON value is in the row form: an object with a `rows` field and no `readings`. */
export function isRowsForm(input: unknown): input is Record<string, unknown> {
  return (
    typeof input === 'object' &&
    input !== null &&
    !Array.isArray(input) &&
    Object.prototype.hasOwnProperty.call(input, 'rows') &&
    !Object.prototype.hasOwnProperty.call(input, 'readings')
  );
}

/** One element of a batch message that its contract rejects; the rest of the batch stands. */
export interface RejectedReading {
  /** 0-based position in the batch. */
  index: number;
  /** The element as received (already parsed JSON), to dead-letter on its own. */
  value: unknown;
  /**
   * `value` as the exact JSON text it arrived in, when the message was text or bytes (re-serialising the parsed
   * value would turn `1e400` into `null`); dead-letter this rather than `value`.
   */
  text?: string;
  reason: string;
  issues: ContractIssue[];
}

/** Valid readings in message order and the rejected elements. */
export interface DecodedRows {
  readings: SensorReading[];
  rejected: RejectedReading[];
}

interface Header {
  schema_version: string;
  machine_id: string;
  machine_type: string;
  metadata?: SensorReadingMetadata;
  channels: string[];
  rows: unknown[];
}

const HeaderCheckSchema = SensorReadingRowsSchema.extend({
  rows: z
    .array(z.unknown())
    .min(1, { error: 'must hold at least one row' })
    .max(MAX_READINGS_PER_MESSAGE, { error: `must hold at most ${MAX_READINGS_PER_MESSAGE} rows` }),
});

/** The header's registry checks: the machine type is registered, every channel is one of its own, once. */
function registryIssues(input: Record<string, unknown>, registry: MachineTypeRegistry): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const type = checkMachineType(input, registry, issues);
  if (type === undefined) return issues;
  const channels = input.channels;
  if (!Array.isArray(channels)) return issues;
  const seen = new Set<string>();
  channels.forEach((channel: unknown, i) => {
    if (typeof channel !== 'string') return;
    if (seen.has(channel)) {
      issues.push({
        code: IssueCode.INCONSISTENT,
        path: `channels[${i}]`,
        message: `channel ${JSON.stringify(channel)} is listed twice`,
      });
    } else if (!type.channelNames.has(channel)) {
      const guess = type.channelsBySourceName.get(channel) ?? closestMatch(channel, type.channelNames);
      issues.push({
        code: IssueCode.UNKNOWN_CHANNEL,
        path: `channels[${i}]`,
        message: `channel ${JSON.stringify(channel)} is not declared by machine type "${type.name}" (declared: ${
          type.declaredChannels
        })${guess === undefined ? '' : `. Did you mean "${guess}"?`}`,
      });
    }
    seen.add(channel);
  });
  return issues;
}

/** The hot path for the header: valid or "don't know" (then the slow path names every issue). */
function fastHeader(
  input: Record<string, unknown>,
  registry: MachineTypeRegistry,
  isCompatibleVersion: (version: string) => boolean,
): { header: Header; type: RegisteredMachineType } | undefined {
  const { schema_version, machine_id, machine_type, metadata, channels, rows } = input;
  if (typeof schema_version !== 'string' || !isCompatibleVersion(schema_version)) return undefined;
  if (typeof machine_id !== 'string' || !IDENTIFIER_PATTERN.test(machine_id)) return undefined;
  if (typeof machine_type !== 'string') return undefined;
  const type = registry.get(machine_type);
  if (type === undefined) return undefined;
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > MAX_CHANNELS) return undefined;
  for (let i = 0; i < channels.length; i++) {
    const channel: unknown = channels[i];
    if (typeof channel !== 'string' || !type.channelNames.has(channel)) return undefined;
    for (let j = 0; j < i; j++) if (channels[j] === channel) return undefined;
  }
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_READINGS_PER_MESSAGE) return undefined;
  if (metadata !== undefined && !isValidMetadata(metadata)) return undefined;
  const header: Header = {
    schema_version,
    machine_id,
    machine_type,
    channels: channels as string[],
    rows: rows as unknown[],
  };
  if (metadata !== undefined) header.metadata = metadata as SensorReadingMetadata;
  return { header, type };
}

/** Whether a row is valid: the hot path, no allocation. */
function isValidRow(row: unknown, channels: readonly string[]): row is unknown[] {
  if (!Array.isArray(row) || row.length !== channels.length + 2) return false;
  const id: unknown = row[0];
  if (typeof id !== 'string' || !IDENTIFIER_PATTERN.test(id)) return false;
  const timestamp: unknown = row[1];
  if (typeof timestamp !== 'string' || !ISO_DATETIME_PATTERN.test(timestamp)) return false;
  let measured = 0;
  for (let c = 2; c < row.length; c++) {
    const value: unknown = row[c];
    if (value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    measured++;
  }
  return measured > 0;
}

/** Why one row is invalid (called only for a row {@link isValidRow} refused). */
function rowIssues(row: unknown, index: number, channels: readonly string[]): ContractIssue[] | undefined {
  const at = `rows[${index}]`;
  if (!Array.isArray(row)) {
    return [
      { code: IssueCode.INVALID_TYPE, path: at, message: `expected an array, got ${describeValue(row)}` },
    ];
  }
  const expected = channels.length + 2;
  if (row.length !== expected) {
    return [
      {
        code: row.length < expected ? IssueCode.TOO_SMALL : IssueCode.TOO_BIG,
        path: at,
        message: `has ${row.length} items but must have ${expected}: reading_id, timestamp and one value per channel (${channels.join(', ')})`,
      },
    ];
  }
  const issues: ContractIssue[] = [];
  const id: unknown = row[0];
  if (typeof id !== 'string' || !IDENTIFIER_PATTERN.test(id)) {
    issues.push({
      code: typeof id === 'string' ? IssueCode.INVALID_FORMAT : IssueCode.INVALID_TYPE,
      path: `${at}[0]`,
      message: `reading_id must be 1-128 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit, got ${describeValue(id)}`,
    });
  }
  const timestamp: unknown = row[1];
  if (typeof timestamp !== 'string' || !ISO_DATETIME_PATTERN.test(timestamp)) {
    issues.push({
      code: IssueCode.INVALID_TIMESTAMP,
      path: `${at}[1]`,
      message: `timestamp must be an ISO-8601 date-time with a timezone, e.g. "2024-05-01T12:00:00Z", got ${describeValue(timestamp)}`,
    });
  }
  let measured = 0;
  for (let c = 0; c < channels.length; c++) {
    const value: unknown = row[c + 2];
    if (value === null) continue;
    if (typeof value === 'number' && Number.isFinite(value)) {
      measured++;
      continue;
    }
    issues.push({
      code: typeof value === 'number' ? IssueCode.NON_FINITE_NUMBER : IssueCode.INVALID_TYPE,
      path: `${at}[${c + 2}]`,
      message: `${channels[c]} must be a finite number or null, got ${describeValue(value)}`,
    });
  }
  if (measured === 0 && issues.length === 0) {
    issues.push({
      code: IssueCode.TOO_SMALL,
      path: at,
      message: 'has no measured value: at least one channel must be a number',
    });
  }
  return issues.length > 0 ? issues : undefined;
}

/**
 * Decodes a message in the row form (see {@link SensorReadingRowsSchema}). A header that breaks the contract
 * fails the whole message; otherwise every row is checked on its own and an invalid one is returned in
 * `rejected`, its value a self-contained row-form message holding that row alone (so a dead-lettered row can be
 * replayed as it is). Never throws for bad input.
 */
export function decodeSensorReadingRows(
  input: Record<string, unknown>,
  registry: MachineTypeRegistry,
  isCompatibleVersion: (version: string) => boolean,
): ParseResult<DecodedRows> {
  const fast = fastHeader(input, registry, isCompatibleVersion);
  if (fast === undefined) {
    const parsed = HeaderCheckSchema.safeParse(input);
    const issues = parsed.success ? [] : parsed.error.issues.map((issue) => fromZodIssue(issue, input));
    const specific = registryIssues(input, registry);
    const paths = new Set(specific.map((issue) => issue.path));
    const all = [...issues.filter((issue) => !paths.has(issue.path)), ...specific];
    const metadata = input.metadata;
    if (typeof metadata === 'object' && metadata !== null && Object.hasOwn(metadata, '__proto__')) {
      // zod drops a `__proto__` key without an issue; JSON.parse makes it an own key.
      all.push({
        code: IssueCode.INVALID_KEY,
        path: formatPath(['metadata', '__proto__']),
        message: 'key "__proto__" is not allowed',
      });
    }
    // The version check comes from the caller (it knows the reader's MAJOR); anything else left is a bug.
    if (all.length === 0) {
      all.push({ code: IssueCode.INVALID_VALUE, path: '', message: 'is not a valid row-form batch' });
    }
    return failure(all);
  }
  const { header } = fast;
  const { channels, rows } = header;
  const readings: SensorReading[] = [];
  const rejected: RejectedReading[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row: unknown = rows[index];
    if (!isValidRow(row, channels)) {
      const issues = rowIssues(row, index, channels) ?? [
        { code: IssueCode.INVALID_VALUE, path: `rows[${index}]`, message: 'is not a valid row' },
      ];
      const { rows: _all, ...rest } = header;
      rejected.push({ index, value: { ...rest, rows: [row] }, reason: formatReason(issues), issues });
      continue;
    }
    const values: Record<string, number> = {};
    for (let c = 0; c < channels.length; c++) {
      const value = row[c + 2];
      if (value !== null) values[channels[c]!] = value as number;
    }
    const reading: SensorReading = {
      schema_version: header.schema_version,
      reading_id: row[0] as string,
      timestamp: row[1] as string,
      machine_id: header.machine_id,
      machine_type: header.machine_type,
      readings: values,
    };
    if (header.metadata !== undefined) reading.metadata = header.metadata;
    readings.push(reading);
  }
  return { ok: true, value: { readings, rejected } };
}

/**
 * Readings of one machine (same machine_type and metadata) as one row-form message, in the order given. The
 * channels are those any of them measured, in first-seen order. The readings must already be valid.
 */
export function toRowsMessage(readings: readonly SensorReading[], schemaVersion: string): SensorReadingRows {
  const first = readings[0]!;
  const channels: string[] = [];
  const column = new Map<string, number>();
  for (const r of readings) {
    for (const channel in r.readings) {
      if (!column.has(channel)) {
        column.set(channel, channels.length);
        channels.push(channel);
      }
    }
  }
  const rows = readings.map((r) => {
    const row: SensorReadingRow = [r.reading_id, r.timestamp];
    for (const channel of channels) {
      const value = r.readings[channel];
      row.push(value === undefined ? null : value);
    }
    return row;
  });
  const message: SensorReadingRows = {
    schema_version: schemaVersion,
    machine_id: first.machine_id,
    machine_type: first.machine_type,
    channels,
    rows,
  };
  if (first.metadata !== undefined) message.metadata = first.metadata;
  return message;
}
