import type { BatchContext, IncomingMessage, MessageHeaders, OutgoingMessage } from './port';

/** Header names of a dead-letter record; the value and key stay the original bytes so it can be replayed. */
export const DLQ_HEADERS = {
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  originalTimestamp: 'x-dlq-original-timestamp',
  groupId: 'x-dlq-group-id',
  reason: 'x-dlq-reason',
  errors: 'x-dlq-errors',
  failedAt: 'x-dlq-failed-at',
  /** For one element of a batch message dead-lettered alone: its 0-based index in the original message. */
  batchIndex: 'x-dlq-batch-index',
} as const;

export interface DeadLetterInfo {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  originalTimestampMs: number;
  groupId: string;
  reason: string;
  /** Every error seen across attempts, oldest first. */
  errors: string[];
  failedAt: string;
  /** Set when the record is one element of a batch message: its index there. */
  batchIndex?: number;
  /** The original headers, without the dead-letter ones. */
  headers: MessageHeaders;
}

export function toDeadLetter(message: IncomingMessage, groupId: string, errors: string[]): OutgoingMessage {
  const reason = errors[errors.length - 1] ?? 'unknown';
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADERS.originalTopic]: message.topic,
      [DLQ_HEADERS.originalPartition]: String(message.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.originalTimestamp]: String(message.timestampMs),
      [DLQ_HEADERS.groupId]: groupId,
      [DLQ_HEADERS.reason]: truncate(reason, 2000),
      [DLQ_HEADERS.errors]: truncate(JSON.stringify(errors.map((e) => truncate(e, 1000))), 8000),
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    },
  };
}

/**
 * One element of a message that carries several (e.g. a batch of sensor readings), as a message of its own to
 * pass to `ctx.deadLetter`: the original coordinates, key and headers, the element's bytes as the value, and its
 * index in the `x-dlq-batch-index` header. The rest of the message is handled normally.
 */
export function messagePart(
  message: IncomingMessage,
  value: Buffer | string,
  index: number,
): IncomingMessage {
  return {
    ...message,
    value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
    headers: { ...message.headers, [DLQ_HEADERS.batchIndex]: String(index) },
  };
}

/**
 * Dead-letters a whole message, or only one element of it when `element` is given (its exact source `text` when
 * the decoder kept it, else its value written as JSON, see {@link messagePart}); the rest of the message then
 * counts as handled.
 */
export function deadLetterPart(
  ctx: Pick<BatchContext, 'deadLetter'>,
  message: IncomingMessage,
  reason: string,
  element?: { index: number; value: unknown; text?: string },
): void {
  ctx.deadLetter(
    element === undefined
      ? message
      : messagePart(message, element.text ?? JSON.stringify(element.value), element.index),
    reason,
  );
}

/** What a contract decoder says of a rejected message, or of one rejected element of it. */
export interface Rejection {
  reason: string;
  /** A short machine-readable cause, for the metric label. */
  code: string;
  element?: { index: number; value: unknown; text?: string };
}

/** Where a consumer reports its dead letters: a counter labelled by reason and a debug log event. */
export interface RejectionReporter {
  counter: { inc(labels: { reason: string }): void };
  logger: { debug(fields: Record<string, unknown>, message: string): void };
  /** The log event name, e.g. `ingestion.reading.dead_lettered`. */
  event: string;
}

/**
 * Dead-letters what a contract decoder rejected (the message, or only the element, see {@link deadLetterPart}),
 * counts it by its code and logs it at debug level with its coordinates: the one callback every consumer of a
 * batched topic needs.
 */
export function deadLetterRejected(
  ctx: Pick<BatchContext, 'deadLetter'>,
  message: IncomingMessage,
  rejection: Rejection,
  reporter: RejectionReporter,
): void {
  deadLetterPart(ctx, message, rejection.reason, rejection.element);
  reporter.counter.inc({ reason: rejection.code });
  reporter.logger.debug(
    {
      event: reporter.event,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      batch_index: rejection.element?.index,
      reason: rejection.reason,
    },
    'message dead-lettered',
  );
}

/** Reads the dead-letter headers back; undefined when the message is not a dead-letter record. */
export function parseDeadLetter(message: IncomingMessage): DeadLetterInfo | undefined {
  const h = message.headers;
  const topic = h[DLQ_HEADERS.originalTopic];
  if (topic === undefined) return undefined;
  const headers: MessageHeaders = {};
  const ours = new Set<string>(Object.values(DLQ_HEADERS));
  for (const [k, v] of Object.entries(h)) if (!ours.has(k)) headers[k] = v;
  let errors: string[] = [];
  try {
    const parsed: unknown = JSON.parse(h[DLQ_HEADERS.errors] ?? '[]');
    if (Array.isArray(parsed)) errors = parsed.map(String);
  } catch {
    errors = [h[DLQ_HEADERS.errors] ?? ''];
  }
  const batchIndex = h[DLQ_HEADERS.batchIndex];
  return {
    ...(batchIndex === undefined ? {} : { batchIndex: Number(batchIndex) }),
    originalTopic: topic,
    originalPartition: Number(h[DLQ_HEADERS.originalPartition]),
    originalOffset: h[DLQ_HEADERS.originalOffset] ?? '',
    originalTimestampMs: Number(h[DLQ_HEADERS.originalTimestamp]),
    groupId: h[DLQ_HEADERS.groupId] ?? '',
    reason: h[DLQ_HEADERS.reason] ?? '',
    errors,
    failedAt: h[DLQ_HEADERS.failedAt] ?? '',
    headers,
  };
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
