import { parseDeadLetter, type BatchHandler } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import { DEMO_LOG_EVENTS } from './log-events';

/** Header carrying the demo run's id: on a shared Kafka topic, messages of other runs are skipped, not counted. */
export const RUN_HEADER = 'x-demo-run';

/**
 * Counts each offset once. Delivery is at-least-once (a batch is redelivered when its commit did not happen), and
 * within one partition offsets arrive in order, so "higher than the highest seen" means "first delivery".
 */
function createOffsetTracker(): (scope: string, offset: string) => boolean {
  const highest = new Map<string, bigint>();
  return (scope, offset) => {
    if (!/^\d+$/.test(offset)) return true;
    const value = BigInt(offset);
    const previous = highest.get(scope);
    if (previous !== undefined && value <= previous) return false;
    highest.set(scope, value);
    return true;
  };
}

export interface DeadLetterStats {
  deadLetters: number;
  firstReason: string | undefined;
  lastReason: string | undefined;
}

export interface DeadLetterCounter {
  handler: BatchHandler;
  stats(): DeadLetterStats;
}

/** Reads `<topic>.dlq`: counts this run's dead letters once each and logs the first reason at warn. */
export function createDeadLetterCounter(options: { runId: string; logger: Logger }): DeadLetterCounter {
  const { runId, logger } = options;
  // A dead letter's identity is its original coordinates. Within one DLQ partition, the records of one original
  // partition arrive in original-offset order (the monitor handles a partition in order), so the offset tracker
  // works per (DLQ partition, original partition) and stays bounded, unlike a set of every key.
  const isFirst = createOffsetTracker();
  let deadLetters = 0;
  let firstReason: string | undefined;
  let lastReason: string | undefined;

  const handler: BatchHandler = async (messages) => {
    for (const message of messages) {
      const info = parseDeadLetter(message);
      if (info === undefined || info.headers[RUN_HEADER] !== runId) continue;
      const scope = `${message.partition}/${info.originalTopic}/${info.originalPartition}`;
      if (!isFirst(scope, info.originalOffset)) continue;
      deadLetters += 1;
      lastReason = info.reason;
      if (firstReason === undefined) {
        firstReason = info.reason;
        logger.warn(
          {
            event: DEMO_LOG_EVENTS.firstDeadLetter,
            topic: info.originalTopic,
            partition: info.originalPartition,
            offset: info.originalOffset,
            machine_id: message.key,
            reason: info.reason,
          },
          'first dead letter',
        );
      }
    }
  };

  return { handler, stats: () => ({ deadLetters, firstReason, lastReason }) };
}
