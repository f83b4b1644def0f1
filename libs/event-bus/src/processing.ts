import { describeError, isRetryable, isUpstreamFailure } from '@industrialmind/errors';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace, type Link } from '@opentelemetry/api';
import { toDeadLetter } from './dead-letter';
import type {
  BatchContext,
  BatchHandler,
  ConsumerEvent,
  IncomingMessage,
  OutgoingMessage,
  RetryPolicy,
  SubscribeOptions,
} from './port';

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, initialBackoffMs: 100, maxBackoffMs: 5_000 };
export const DEFAULT_MAX_BATCH_SIZE = 1000;
const MAX_LINKS = 64;

const tracer = trace.getTracer('@industrialmind/event-bus');

/** Resolved subscription settings shared by both adapters. */
export interface ConsumerPolicy {
  groupId: string;
  retry: RetryPolicy;
  maxBatchSize: number;
  isBlocking: (err: unknown) => boolean;
  onEvent: (event: ConsumerEvent) => void;
}

export function resolvePolicy(options: SubscribeOptions): ConsumerPolicy {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(retry.maxRetries) || retry.maxRetries < 0)
    throw new RangeError('retry.maxRetries must be an integer >= 0');
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new RangeError('maxBatchSize must be an integer >= 1');
  if (options.topics.length === 0) throw new RangeError('subscribe needs at least one topic');
  if (!options.groupId) throw new RangeError('subscribe needs a groupId');
  return {
    groupId: options.groupId,
    retry,
    maxBatchSize,
    isBlocking: options.isBlocking ?? isUpstreamFailure,
    onEvent: options.onEvent ?? (() => {}),
  };
}

/** What an adapter provides to run one batch. */
export interface BatchIo {
  /** Aborted to abandon the batch at once (hard stop, lost partition). */
  signal: AbortSignal;
  /** True once a graceful stop began: a batch waiting to retry gives up (uncommitted) instead of waiting. */
  isStopping(): boolean;
  heartbeat(): Promise<void>;
  /** Publishes dead-letter records durably; throws on failure. */
  publishDeadLetters(records: OutgoingMessage[]): Promise<void>;
}

export class AbortedError extends Error {
  constructor() {
    super('consumer stopping: batch abandoned without commit');
    this.name = 'AbortedError';
  }
}

/**
 * Runs the handler on one batch of one partition until it is handled: retries retryable errors with
 * exponential backoff, blocks on upstream failures, and when a batch keeps failing, handles its messages one
 * by one so that only the failing ones are dead-lettered. Resolves when every message was handled or
 * dead-lettered (the caller then commits); rejects with {@link AbortedError} when stopped (no commit).
 */
export async function runBatch(
  messages: IncomingMessage[],
  handler: BatchHandler,
  policy: ConsumerPolicy,
  io: BatchIo,
): Promise<void> {
  const first = messages[0];
  if (!first) return;
  const started = Date.now();
  const { topic, partition } = first;
  const deadLetters: OutgoingMessage[] = [];

  const attemptBatch = async (batch: IncomingMessage[]): Promise<void> => {
    const marked: OutgoingMessage[] = [];
    const ctx: BatchContext = {
      topic,
      partition,
      groupId: policy.groupId,
      signal: io.signal,
      heartbeat: io.heartbeat,
      deadLetter: (message, reason) => {
        marked.push(toDeadLetter(message, policy.groupId, [reason]));
        policy.onEvent({ type: 'dead-lettered', topic, partition, offset: message.offset, reason });
      },
    };
    await withProcessSpan(batch, () => handler(batch, ctx));
    deadLetters.push(...marked);
  };

  const batchErrors = await withRetries(() => attemptBatch(messages), policy, io, topic, partition);
  if (batchErrors !== undefined) {
    if (messages.length === 1) {
      deadLetters.push(toDeadLetter(first, policy.groupId, batchErrors));
      policy.onEvent({
        type: 'dead-lettered',
        topic,
        partition,
        offset: first.offset,
        reason: batchErrors.at(-1) ?? '',
      });
    } else {
      // Isolate the poison message(s): the others still get handled, in order.
      policy.onEvent({
        type: 'isolating',
        topic,
        partition,
        count: messages.length,
        error: batchErrors.at(-1) ?? '',
      });
      for (const message of messages) {
        const errors = await withRetries(() => attemptBatch([message]), policy, io, topic, partition);
        if (errors !== undefined) {
          deadLetters.push(toDeadLetter(message, policy.groupId, errors));
          policy.onEvent({
            type: 'dead-lettered',
            topic,
            partition,
            offset: message.offset,
            reason: errors.at(-1) ?? '',
          });
        }
      }
    }
  }

  if (deadLetters.length > 0) {
    // The DLQ write must be durable before the commit; while the bus is down this blocks like any upstream failure.
    const failed = await withRetries(
      () => io.publishDeadLetters(deadLetters),
      { ...policy, isBlocking: () => true },
      io,
      topic,
      partition,
    );
    if (failed !== undefined) throw new Error(`dead-letter publish failed: ${failed.at(-1)}`);
  }
  policy.onEvent({
    type: 'batch-processed',
    topic,
    partition,
    count: messages.length,
    durationMs: Date.now() - started,
  });
}

/** Returns undefined on success, or every error message when retries are exhausted or the error is final. */
async function withRetries(
  fn: () => Promise<void>,
  policy: ConsumerPolicy,
  io: BatchIo,
  topic: string,
  partition: number,
): Promise<string[] | undefined> {
  const errors: string[] = [];
  let retries = 0;
  let blockedAttempts = 0;
  for (;;) {
    if (io.signal.aborted) throw new AbortedError();
    try {
      await fn();
      return undefined;
    } catch (err) {
      if (io.signal.aborted) throw new AbortedError();
      const description = describeError(err);
      if (policy.isBlocking(err)) {
        blockedAttempts += 1;
        const backoffMs = backoff(policy.retry, blockedAttempts);
        policy.onEvent({
          type: 'blocked',
          topic,
          partition,
          attempt: blockedAttempts,
          error: description,
          backoffMs,
        });
        await pause(backoffMs, io);
        continue;
      }
      errors.push(description);
      if (!isRetryable(err) || retries >= policy.retry.maxRetries) return errors;
      retries += 1;
      const backoffMs = backoff(policy.retry, retries);
      policy.onEvent({ type: 'retry', topic, partition, attempt: retries, error: description, backoffMs });
      await pause(backoffMs, io);
    }
  }
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = policy.initialBackoffMs * 2 ** Math.min(attempt - 1, 20);
  const capped = Math.min(policy.maxBackoffMs, exp);
  // Full jitter on the upper half keeps many consumers from retrying in lockstep.
  return Math.round(capped / 2 + (Math.random() * capped) / 2);
}

/** Sleeps in slices so the group membership stays alive and a stop is noticed promptly. */
async function pause(ms: number, io: BatchIo): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (io.signal.aborted || io.isStopping()) throw new AbortedError();
    await abortableSleep(Math.min(200, until - Date.now()), io.signal);
    if (io.isStopping()) throw new AbortedError();
    await io.heartbeat();
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs the handler inside a consumer span linked to the producers' spans carried in the message headers. */
function withProcessSpan(batch: IncomingMessage[], fn: () => Promise<void>): Promise<void> {
  const first = batch[0]!;
  const links: Link[] = [];
  for (let i = 0; i < batch.length && links.length < MAX_LINKS; i++) {
    const headers = batch[i]!.headers;
    if (headers.traceparent === undefined) continue;
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
    if (spanContext) links.push({ context: spanContext });
  }
  // A single message continues its producer's trace; a batch starts its own trace linked to each producer.
  const parent =
    batch.length === 1 && links.length === 1
      ? propagation.extract(ROOT_CONTEXT, first.headers)
      : context.active();
  return tracer.startActiveSpan(
    `${first.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': first.topic,
        'messaging.destination.partition.id': String(first.partition),
        'messaging.batch.message_count': batch.length,
      },
    },
    parent,
    async (span) => {
      try {
        await fn();
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(String(err)));
        span.setStatus({ code: 2, message: describeError(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Adds the active trace context (W3C traceparent/tracestate) to outgoing headers. */
export function injectTraceContext(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}
