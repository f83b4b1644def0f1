import { isUtf8 } from 'node:buffer';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { z } from 'zod';
import { AlertSchema, type Alert } from './alert';
import { AnomalyDetectedSchema, type AnomalyDetected } from './anomaly-detected';
import {
  IssueCode,
  closestMatch,
  describeValue,
  failure,
  formatPath,
  fromZodIssue,
  type ContractIssue,
  type ParseResult,
} from './issues';
import { arrayElementTexts } from './json-spans';
import { checkMachineType, type MachineTypeRegistry, type RegisteredMachineType } from './machine-type';
import { MaintenancePredictionSchema, type MaintenancePrediction } from './maintenance-prediction';
import { SCHEMA_VERSION_PATTERN } from './primitives';
import { SensorReadingSchema, fastParseSensorReading, type SensorReading } from './sensor-reading';
import {
  MAX_READINGS_PER_MESSAGE,
  decodeSensorReadingRows,
  isRowsForm,
  toRowsMessage,
  type RejectedReading,
} from './sensor-reading-rows';
import { SCHEMA_VERSIONS, TOPICS, type Topic } from './topics';
import { compatibleVersionTest, parseSchemaVersion } from './version';

export { MAX_READINGS_PER_MESSAGE, type RejectedReading } from './sensor-reading-rows';

/** Default cap on a raw message, checked before JSON.parse: a reading is ~300 bytes, so this is generous. */
export const DEFAULT_MAX_BYTES = 64 * 1024;

export interface DecodeOptions {
  /** Reject raw payloads (Buffer, Uint8Array, string) longer than this many bytes. Default 64 KiB. */
  maxBytes?: number;
  /**
   * Machine types to check `machine_type` and channel names against. Required for sensor-readings; optional
   * for the other topics (when given, `machine_type` must be registered and anomaly-detected's
   * `feature_contributions` keys must be its channels).
   */
  machineTypes?: MachineTypeRegistry;
}

export interface SensorReadingDecodeOptions extends DecodeOptions {
  machineTypes: MachineTypeRegistry;
}

/** What an encoder accepts: the message, with `schema_version` defaulting to the topic's current version. */
export type Encodable<T extends { schema_version: string }> = Omit<T, 'schema_version'> & {
  schema_version?: string;
};

export type EncodeOptions = DecodeOptions;

/** The payload type of each topic. */
export interface TopicPayloads {
  'sensor-readings': SensorReading;
  'anomaly-detected': AnomalyDetected;
  'maintenance-predictions': MaintenancePrediction;
  alerts: Alert;
}

/** sensor-readings needs a machine type registry; the other topics take options optionally. */
export type DecodeArgs<T extends Topic> = T extends 'sensor-readings'
  ? [options: SensorReadingDecodeOptions]
  : [options?: DecodeOptions];

interface Codec<T> {
  topic: Topic;
  schema: z.ZodType<T>;
  /** Hot path: returns the value if certainly valid, undefined if the slow path must decide. */
  fast?: (input: unknown, registry: MachineTypeRegistry) => T | undefined;
  /** Checks zod cannot express (they depend on the registry); they see the raw input. */
  extra?: (input: Record<string, unknown>, registry: MachineTypeRegistry, issues: ContractIssue[]) => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tooLarge(bytes: number, maxBytes: number): ParseResult<never> {
  return failure([
    {
      code: IssueCode.PAYLOAD_TOO_LARGE,
      path: '',
      message: `is ${bytes} bytes, over the limit of ${maxBytes} bytes`,
    },
  ]);
}

/**
 * Raw bytes or text to a JSON value, size-checked first so an oversized message costs no parsing. Anything
 * else is taken as an already-decoded value (e.g. an HTTP body).
 */
function readPayload(raw: unknown, maxBytes: number): ParseResult<unknown> {
  let text: string;
  if (raw instanceof Uint8Array) {
    if (raw.byteLength > maxBytes) return tooLarge(raw.byteLength, maxBytes);
    if (!isUtf8(raw)) {
      return failure([{ code: IssueCode.INVALID_ENCODING, path: '', message: 'is not valid UTF-8 text' }]);
    }
    text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  } else if (typeof raw === 'string') {
    // UTF-8 takes 1-3 bytes per UTF-16 unit, so the exact count is needed only between length and 3 x length.
    if (raw.length > maxBytes || (raw.length * 3 > maxBytes && Buffer.byteLength(raw, 'utf8') > maxBytes)) {
      return tooLarge(Buffer.byteLength(raw, 'utf8'), maxBytes);
    }
    text = raw;
  } else {
    return { ok: true, value: raw };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return failure([{ code: IssueCode.INVALID_JSON, path: '', message: `is not valid JSON (${detail})` }]);
  }
}

function checkChannels(
  input: Record<string, unknown>,
  field: string,
  type: RegisteredMachineType,
  issues: ContractIssue[],
): void {
  const record = input[field];
  if (!isRecord(record)) return;
  for (const channel of Object.keys(record)) {
    if (type.channelNames.has(channel)) continue;
    const guess = type.channelsBySourceName.get(channel) ?? closestMatch(channel, type.channelNames);
    issues.push({
      code: IssueCode.UNKNOWN_CHANNEL,
      path: formatPath([field, channel]),
      message: `channel ${JSON.stringify(channel)} is not declared by machine type "${type.name}" (declared: ${
        type.declaredChannels
      })${guess === undefined ? '' : `. Did you mean "${guess}"?`}`,
    });
  }
}

/**
 * zod drops a `__proto__` key from records without an issue (to avoid prototype pollution); JSON.parse makes
 * it an own key. Report it like any other key that breaks the metadata key pattern.
 */
function checkMetadataKeys(input: Record<string, unknown>, issues: ContractIssue[]): void {
  const metadata = input.metadata;
  if (isRecord(metadata) && Object.prototype.hasOwnProperty.call(metadata, '__proto__')) {
    issues.push({
      code: IssueCode.INVALID_KEY,
      path: formatPath(['metadata', '__proto__']),
      message: 'key "__proto__" is not allowed',
    });
  }
}

function channelChecks(field: string) {
  return (input: Record<string, unknown>, registry: MachineTypeRegistry, issues: ContractIssue[]): void => {
    const type = checkMachineType(input, registry, issues);
    if (type !== undefined) checkChannels(input, field, type, issues);
  };
}

const CODECS: { readonly [T in Topic]: Codec<TopicPayloads[T]> } = {
  'sensor-readings': {
    topic: TOPICS.SENSOR_READINGS,
    schema: SensorReadingSchema,
    fast: fastParseSensorReading,
    extra: (input, registry, issues) => {
      channelChecks('readings')(input, registry, issues);
      checkMetadataKeys(input, issues);
    },
  },
  'anomaly-detected': {
    topic: TOPICS.ANOMALY_DETECTED,
    schema: AnomalyDetectedSchema,
    extra: channelChecks('feature_contributions'),
  },
  'maintenance-predictions': {
    topic: TOPICS.MAINTENANCE_PREDICTIONS,
    schema: MaintenancePredictionSchema,
    extra: (input, registry, issues) => void checkMachineType(input, registry, issues),
  },
  alerts: {
    topic: TOPICS.ALERTS,
    schema: AlertSchema,
    extra: (input, registry, issues) => void checkMachineType(input, registry, issues),
  },
};

function codecFor<T extends Topic>(topic: T): Codec<TopicPayloads[T]> {
  const codec = Object.prototype.hasOwnProperty.call(CODECS, topic) ? CODECS[topic] : undefined;
  if (codec === undefined) {
    throw new AppError(
      ErrorCode.INTERNAL,
      `no contract for topic "${String(topic)}" (known: ${Object.keys(CODECS).join(', ')})`,
    );
  }
  return codec as Codec<TopicPayloads[T]>;
}

function unsupportedVersion(topic: Topic, version: string): ContractIssue | undefined {
  const current = SCHEMA_VERSIONS[topic];
  const received = parseSchemaVersion(version);
  const ours = parseSchemaVersion(current)!;
  if (received === undefined || received.major === ours.major) return undefined;
  return {
    code: IssueCode.UNSUPPORTED_SCHEMA_VERSION,
    path: 'schema_version',
    message: `major version ${received.major} ("${version}") is not supported: this reader understands ${ours.major}.x (current ${current}); upgrade the reader or the contracts package`,
  };
}

function validate<T>(
  codec: Codec<T>,
  input: unknown,
  registry: MachineTypeRegistry | undefined,
  useFastPath = true,
): ParseResult<T> {
  if (useFastPath && codec.fast !== undefined && registry !== undefined) {
    const value = codec.fast(input, registry);
    if (value !== undefined) return { ok: true, value };
  }
  if (
    isRecord(input) &&
    typeof input.schema_version === 'string' &&
    SCHEMA_VERSION_PATTERN.test(input.schema_version)
  ) {
    // Another MAJOR means another shape: listing its "missing" or "wrong" fields against ours would mislead.
    const issue = unsupportedVersion(codec.topic, input.schema_version);
    if (issue !== undefined) return failure([issue]);
  }
  const parsed = codec.schema.safeParse(input);
  const issues = parsed.success ? [] : parsed.error.issues.map((issue) => fromZodIssue(issue, input));
  if (registry !== undefined && codec.extra !== undefined && isRecord(input)) {
    const specific: ContractIssue[] = [];
    codec.extra(input, registry, specific);
    if (specific.length > 0) {
      // A registry check says more than zod's generic one about the same field (e.g. an undeclared channel
      // that is also not snake_case): keep the specific one.
      const paths = new Set(specific.map((issue) => issue.path));
      return failure([...issues.filter((issue) => !paths.has(issue.path)), ...specific]);
    }
  }
  return parsed.success ? { ok: true, value: parsed.data } : failure(issues);
}

/** @internal The validation behind {@link decode} without the fast path, for the differential test. */
export function validateWithoutFastPath<T extends Topic>(
  topic: T,
  input: unknown,
  registry: MachineTypeRegistry,
): ParseResult<TopicPayloads[T]> {
  return validate(codecFor(topic), input, registry, false);
}

function checkMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new AppError(
      ErrorCode.INTERNAL,
      `maxBytes must be a positive integer, got ${describeValue(maxBytes)}`,
    );
  }
  return maxBytes;
}

/**
 * Parses one message of `topic` at a boundary. `raw` may be a Buffer/Uint8Array (UTF-8 JSON, e.g. a Kafka
 * value), a string (JSON text) or an already-decoded value. Never throws for bad input: it returns every
 * issue with a one-line `reason` fit for a DLQ record. Throws only for programming errors (unknown topic,
 * missing registry for sensor-readings, invalid options).
 */
export function decode<T extends Topic>(
  topic: T,
  raw: unknown,
  ...args: DecodeArgs<T>
): ParseResult<TopicPayloads[T]> {
  const codec = codecFor(topic);
  const options: DecodeOptions = args[0] ?? {};
  if (topic === TOPICS.SENSOR_READINGS && options.machineTypes === undefined) {
    throw new AppError(
      ErrorCode.INTERNAL,
      'decoding sensor-readings needs options.machineTypes (a MachineTypeRegistry)',
    );
  }
  const payload = readPayload(raw, checkMaxBytes(options.maxBytes));
  if (!payload.ok) return payload;
  return validate(codec, payload.value, options.machineTypes);
}

/**
 * Validates a message and serialises it to UTF-8 JSON for the wire. Fills in `schema_version` with the
 * topic's current version when absent, drops fields the schema does not know, and throws an AppError
 * (`VALIDATION_FAILED` with `details.issues`, or `PAYLOAD_TOO_LARGE`) rather than publish what readers
 * would reject. Channel names are checked when `options.machineTypes` is given.
 */
export function encode<T extends Topic>(
  topic: T,
  value: Encodable<TopicPayloads[T]>,
  options: EncodeOptions = {},
): Buffer {
  const codec = codecFor(topic);
  const maxBytes = checkMaxBytes(options.maxBytes);
  const message = { ...value, schema_version: value.schema_version ?? SCHEMA_VERSIONS[topic] } as unknown;
  const result = validate(codec, message, options.machineTypes);
  if (!result.ok) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `invalid ${topic} message: ${result.reason}`, {
      details: { topic, issues: result.issues },
    });
  }
  const bytes = Buffer.from(JSON.stringify(result.value), 'utf8');
  if (bytes.byteLength > maxBytes) {
    throw new AppError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${topic} message is ${bytes.byteLength} bytes, over the limit of ${maxBytes} bytes`,
      {
        details: { topic, bytes: bytes.byteLength, maxBytes },
      },
    );
  }
  return bytes;
}

export function parseSensorReading(
  raw: unknown,
  options: SensorReadingDecodeOptions,
): ParseResult<SensorReading> {
  return decode(TOPICS.SENSOR_READINGS, raw, options);
}

export function parseAnomalyDetected(raw: unknown, options?: DecodeOptions): ParseResult<AnomalyDetected> {
  return decode(TOPICS.ANOMALY_DETECTED, raw, options);
}

export function parseMaintenancePrediction(
  raw: unknown,
  options?: DecodeOptions,
): ParseResult<MaintenancePrediction> {
  return decode(TOPICS.MAINTENANCE_PREDICTIONS, raw, options);
}

export function parseAlert(raw: unknown, options?: DecodeOptions): ParseResult<Alert> {
  return decode(TOPICS.ALERTS, raw, options);
}

export function encodeSensorReading(value: Encodable<SensorReading>, options?: EncodeOptions): Buffer {
  return encode(TOPICS.SENSOR_READINGS, value, options);
}

export function encodeAnomalyDetected(value: Encodable<AnomalyDetected>, options?: EncodeOptions): Buffer {
  return encode(TOPICS.ANOMALY_DETECTED, value, options);
}

export function encodeMaintenancePrediction(
  value: Encodable<MaintenancePrediction>,
  options?: EncodeOptions,
): Buffer {
  return encode(TOPICS.MAINTENANCE_PREDICTIONS, value, options);
}

export function encodeAlert(value: Encodable<Alert>, options?: EncodeOptions): Buffer {
  return encode(TOPICS.ALERTS, value, options);
}

/** A decoded sensor-readings message: its valid readings in message order, and the rejected elements. */
export interface SensorReadingsMessage {
  readings: SensorReading[];
  rejected: RejectedReading[];
  /** True for a batch (the array or the row form), false for a single reading. */
  batch: boolean;
}

const isCompatibleReadingVersion = compatibleVersionTest(SCHEMA_VERSIONS[TOPICS.SENSOR_READINGS]);

function rejectedElement(index: number, value: unknown, issues: ContractIssue[]): RejectedReading {
  const f = failure(
    issues.map((issue) => ({ ...issue, path: `[${index}]${issue.path ? `.${issue.path}` : ''}` })),
  );
  return { index, value, reason: f.reason, issues: f.issues };
}

/**
 * Parses one sensor-readings message in either form:
 *
 * - a single reading (a JSON object), as every 1.x writer sends: the result is one reading, or a failure for
 *   the whole message, exactly as {@link parseSensorReading};
 * - a **batch** (since 1.1): a JSON array of 1..{@link MAX_READINGS_PER_MESSAGE} readings of **one machine**
 *   (the Kafka key), in time order. Each element is checked on its own: the valid ones are returned, each
 *   invalid one (including one whose `machine_id` differs from the batch's first reading) is listed in
 *   `rejected` with its reason, so a consumer dead-letters that element alone. A payload that is not JSON, too
 *   large, empty or longer than the limit fails as a whole;
 * - a **row-form batch** (since 1.2, see {@link SensorReadingRowsSchema}): an object with machine, type,
 *   metadata and `channels` once and `rows` of `[reading_id, timestamp, value…]`. An invalid header fails the
 *   message; an invalid row is rejected alone, its `value` a row-form message holding only that row.
 *
 * Never throws for bad input.
 */
export function parseSensorReadings(
  raw: unknown,
  options: SensorReadingDecodeOptions,
): ParseResult<SensorReadingsMessage> {
  if (options.machineTypes === undefined) {
    throw new AppError(
      ErrorCode.INTERNAL,
      'decoding sensor-readings needs options.machineTypes (a MachineTypeRegistry)',
    );
  }
  const payload = readPayload(raw, checkMaxBytes(options.maxBytes));
  if (!payload.ok) return payload;
  const input = payload.value;
  const codec = codecFor(TOPICS.SENSOR_READINGS);
  if (isRowsForm(input)) {
    const version = input.schema_version;
    const unsupported =
      typeof version === 'string' && SCHEMA_VERSION_PATTERN.test(version)
        ? unsupportedVersion(codec.topic, version)
        : undefined;
    if (unsupported !== undefined) return failure([unsupported]);
    const rows = decodeSensorReadingRows(input, options.machineTypes, isCompatibleReadingVersion);
    if (rows.ok && rows.value.rejected.length > 0) withRowTexts(raw, rows.value.rejected);
    return rows.ok ? { ok: true, value: { ...rows.value, batch: true } } : rows;
  }
  if (!Array.isArray(input)) {
    const single = validate(codec, input, options.machineTypes);
    return single.ok ? { ok: true, value: { readings: [single.value], rejected: [], batch: false } } : single;
  }
  if (input.length === 0) {
    return failure([
      { code: IssueCode.TOO_SMALL, path: '', message: 'is an empty batch: send at least one reading' },
    ]);
  }
  if (input.length > MAX_READINGS_PER_MESSAGE) {
    return failure([
      {
        code: IssueCode.TOO_BIG,
        path: '',
        message: `is a batch of ${input.length} readings, over the limit of ${MAX_READINGS_PER_MESSAGE}`,
      },
    ]);
  }
  const readings: SensorReading[] = [];
  const rejected: RejectedReading[] = [];
  let machineId: string | undefined;
  for (let index = 0; index < input.length; index++) {
    const element: unknown = input[index];
    const result = validate(codec, element, options.machineTypes);
    if (!result.ok) {
      rejected.push(rejectedElement(index, element, result.issues));
      continue;
    }
    machineId ??= result.value.machine_id;
    if (result.value.machine_id !== machineId) {
      rejected.push(
        rejectedElement(index, element, [
          {
            code: IssueCode.INCONSISTENT,
            path: 'machine_id',
            message: `is ${JSON.stringify(result.value.machine_id)} but this batch is machine ${JSON.stringify(machineId)}: a batch carries one machine's readings`,
          },
        ]),
      );
      continue;
    }
    readings.push(result.value);
  }
  if (rejected.length > 0) withElementTexts(raw, rejected);
  return { ok: true, value: { readings, rejected, batch: true } };
}

/** The message as text, when it came as text or bytes (already checked to be UTF-8 by readPayload). */
function sourceText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array)
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return undefined;
}

/** Array form: each rejected element's exact source text. */
function withElementTexts(raw: unknown, rejected: RejectedReading[]): void {
  const text = sourceText(raw);
  const elements = text === undefined ? undefined : arrayElementTexts(text);
  if (elements === undefined) return;
  for (const r of rejected) r.text = elements[r.index];
}

/** Row form: each rejected row as a one-row message, its row exactly as received. */
function withRowTexts(raw: unknown, rejected: RejectedReading[]): void {
  const text = sourceText(raw);
  const rows = text === undefined ? undefined : arrayElementTexts(text, 'rows');
  if (rows === undefined) return;
  for (const r of rejected) {
    const row = rows[r.index];
    if (row === undefined) continue;
    // The header is valid, so it re-serialises faithfully; `rows` is its last key.
    const head = JSON.stringify({ ...(r.value as object), rows: [0] });
    r.text = `${head.slice(0, -'[0]}'.length)}[${row}]}`;
  }
}

export interface PackOptions extends EncodeOptions {
  /** Most readings per message (default 100, at most {@link MAX_READINGS_PER_MESSAGE}). */
  maxReadingsPerMessage?: number;
  /**
   * How a batch is written: `rows` (default; since 1.2, a quarter of the bytes, see
   * {@link SensorReadingRowsSchema}) or `array` (1.1 readers understand it). A group of one reading is always
   * sent as a single reading; with `rows`, a group whose readings differ in type or metadata goes in the array
   * form, since the row form carries them once.
   */
  form?: BatchForm;
}

export const BATCH_FORMS = ['rows', 'array'] as const;
export type BatchForm = (typeof BATCH_FORMS)[number];

/** A message ready for the event bus: keyed by `machine_id`. */
export interface PackedMessage {
  key: string;
  value: Buffer;
  /** How many readings the message carries. */
  count: number;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

function tooLargeError(bytes: number, maxBytes: number): AppError {
  const topic = TOPICS.SENSOR_READINGS;
  return new AppError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `${topic} message is ${bytes} bytes, over the limit of ${maxBytes} bytes`,
    { details: { topic, bytes, maxBytes } },
  );
}

/** Array form: each reading serialised alone, joined while count and bytes allow. */
function packArrays(
  key: string,
  readings: readonly SensorReading[],
  perMessage: number,
  maxBytes: number,
  out: PackedMessage[],
): void {
  let chunk: Buffer[] = [];
  let size = 1; // '[' and the commas and ']' are counted as each part's one extra byte
  const emit = (): void => {
    if (chunk.length === 1) out.push({ key, value: chunk[0]!, count: 1 });
    else if (chunk.length > 1) {
      const pieces: Buffer[] = [OPEN];
      chunk.forEach((part, i) => {
        if (i > 0) pieces.push(COMMA);
        pieces.push(part);
      });
      pieces.push(CLOSE);
      out.push({ key, value: Buffer.concat(pieces), count: chunk.length });
    }
    chunk = [];
    size = 1;
  };
  for (const reading of readings) {
    const part = Buffer.from(JSON.stringify(reading), 'utf8');
    if (part.byteLength > maxBytes) throw tooLargeError(part.byteLength, maxBytes);
    if (chunk.length > 0 && (chunk.length >= perMessage || size + part.byteLength + 1 > maxBytes)) emit();
    chunk.push(part);
    size += part.byteLength + 1;
  }
  emit();
}

/**
 * Row form: chunks of up to `perMessage` readings; a chunk whose readings share type and metadata becomes one
 * row-form message (halved until it fits maxBytes), any other chunk (e.g. replayed readings that each carry
 * their source line in metadata) is written in the array form.
 */
function packRows(
  key: string,
  readings: readonly SensorReading[],
  perMessage: number,
  maxBytes: number,
  out: PackedMessage[],
): void {
  const emit = (run: readonly SensorReading[]): void => {
    const value =
      run.length === 1
        ? Buffer.from(JSON.stringify(run[0]), 'utf8')
        : Buffer.from(JSON.stringify(toRowsMessage(run, SCHEMA_VERSIONS[TOPICS.SENSOR_READINGS])), 'utf8');
    if (value.byteLength <= maxBytes) out.push({ key, value, count: run.length });
    else if (run.length === 1) throw tooLargeError(value.byteLength, maxBytes);
    else {
      const half = Math.ceil(run.length / 2);
      emit(run.slice(0, half));
      emit(run.slice(half));
    }
  };
  const headerOf = (r: SensorReading): string =>
    `${r.machine_type}\u0000${JSON.stringify(r.metadata ?? null)}`;
  for (let start = 0; start < readings.length; start += perMessage) {
    const chunk = readings.slice(start, start + perMessage);
    const header = headerOf(chunk[0]!);
    if (chunk.every((r, i) => i === 0 || headerOf(r) === header)) emit(chunk);
    else packArrays(key, chunk, perMessage, maxBytes, out);
  }
}

/**
 * Validates readings and packs them into sensor-readings messages: grouped by machine (the Kafka key), in the
 * order given within each machine, at most `maxReadingsPerMessage` readings and `maxBytes` bytes per message.
 * A group of one is sent in the single-reading form, larger ones as a batch in `form` (see
 * {@link parseSensorReadings}), so `maxReadingsPerMessage: 1` produces what 1.0 readers understand. Throws like
 * {@link encode} for an invalid reading or one that alone exceeds `maxBytes`.
 */
export function packSensorReadings(
  readings: ReadonlyArray<Encodable<SensorReading>>,
  options: PackOptions = {},
): PackedMessage[] {
  const perMessage = options.maxReadingsPerMessage ?? 100;
  if (!Number.isSafeInteger(perMessage) || perMessage < 1 || perMessage > MAX_READINGS_PER_MESSAGE) {
    throw new AppError(
      ErrorCode.INTERNAL,
      `maxReadingsPerMessage must be an integer in 1..${MAX_READINGS_PER_MESSAGE}, got ${describeValue(perMessage)}`,
    );
  }
  const form = options.form ?? 'rows';
  if (!(BATCH_FORMS as readonly string[]).includes(form)) {
    throw new AppError(
      ErrorCode.INTERNAL,
      `form must be one of ${BATCH_FORMS.join(', ')}, got ${describeValue(form)}`,
    );
  }
  const maxBytes = checkMaxBytes(options.maxBytes);
  const codec = codecFor(TOPICS.SENSOR_READINGS);
  const groups = new Map<string, SensorReading[]>();
  for (const reading of readings) {
    const message = { ...reading, schema_version: reading.schema_version ?? SCHEMA_VERSIONS[codec.topic] };
    const result = validate(codec, message, options.machineTypes);
    if (!result.ok) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `invalid ${codec.topic} message: ${result.reason}`, {
        details: { topic: codec.topic, issues: result.issues },
      });
    }
    const group = groups.get(result.value.machine_id);
    if (group === undefined) groups.set(result.value.machine_id, [result.value]);
    else group.push(result.value);
  }
  const out: PackedMessage[] = [];
  for (const [key, group] of groups) {
    if (form === 'rows') packRows(key, group, perMessage, maxBytes, out);
    else packArrays(key, group, perMessage, maxBytes, out);
  }
  return out;
}

/** Why a message, or one element of a batch message, was not taken. */
export interface SensorReadingRejection {
  reason: string;
  /** The first issue's code, for metrics. */
  code: string;
  /**
   * Set when only one element of a batch was rejected: its index and value (the rest of the batch stands), and its
   * exact source text when the message was text or bytes.
   */
  element?: { index: number; value: unknown; text?: string };
}

/**
 * Decodes consumed sensor-readings messages (either form) into their valid readings, in message order, and
 * reports every rejected message or batch element to `onRejected` (typically: dead-letter it and count it).
 */
export function collectSensorReadings<M extends { value: unknown }>(
  messages: Iterable<M>,
  options: SensorReadingDecodeOptions,
  onRejected: (message: M, rejection: SensorReadingRejection) => void,
): SensorReading[] {
  const out: SensorReading[] = [];
  for (const message of messages) {
    const result = parseSensorReadings(message.value, options);
    if (!result.ok) {
      onRejected(message, { reason: result.reason, code: result.issues[0]?.code ?? 'invalid' });
      continue;
    }
    for (const reading of result.value.readings) out.push(reading);
    for (const r of result.value.rejected) {
      onRejected(message, {
        reason: r.reason,
        code: r.issues[0]?.code ?? 'invalid',
        element: { index: r.index, value: r.value, ...(r.text === undefined ? {} : { text: r.text }) },
      });
    }
  }
  return out;
}
