import { encodeSensorReading, type MachineTypeRegistry } from '@industrialmind/contracts';
import type { EventBus, MessageHeaders, OutgoingMessage } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import { DEMO_LOG_EVENTS } from './log-events';
import type { ReadingGenerator } from './reading-generator';

export interface FleetProducerOptions {
  bus: Pick<EventBus, 'publish'>;
  topic: string;
  generator: ReadingGenerator;
  machineTypes: MachineTypeRegistry;
  /** Readings per second for the whole fleet. */
  ratePerSec: number;
  /** Every Nth message is malformed (to show the DLQ); 0 turns that off. */
  badEvery: number;
  /** Headers on every message (the demo's run id). */
  headers: MessageHeaders;
  logger: Logger;
  /** Timer period; each tick publishes what the rate allows since the last one. Default 50 ms. */
  tickMs?: number;
  /** Largest batch per publish. Default 1000. */
  maxBatch?: number;
  clock?: () => number;
}

export interface FleetProducer {
  start(): void;
  /** Stops the timer and waits for the publish in flight. Idempotent. */
  stop(): Promise<void>;
  /** Messages the bus acknowledged (valid and malformed). */
  readonly produced: number;
  /** Of those, the malformed ones. */
  readonly malformed: number;
  /** When start() was called (clock ms). */
  readonly startedAtMs: number;
}

/**
 * Publishes the generated fleet's readings at a target rate: a timer tick every `tickMs` adds rate x elapsed to a
 * token bucket (capped at one second's worth, so a stall does not end in a burst) and publishes the whole tokens as
 * one batch, each reading keyed by machine_id and validated by encodeSensorReading. Ticks never overlap: the next
 * one is scheduled after the publish resolves, so a slow bus lowers the rate instead of piling up requests.
 */
export function createFleetProducer(options: FleetProducerOptions): FleetProducer {
  const { bus, topic, generator, machineTypes, ratePerSec, badEvery, headers, logger } = options;
  const tickMs = options.tickMs ?? 50;
  const maxBatch = options.maxBatch ?? 1000;
  const clock = options.clock ?? Date.now;
  let produced = 0;
  let malformed = 0;
  let sent = 0;
  let credit = 0;
  let lastTickMs = 0;
  let startedAtMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let isStopped = false;
  let hasWarned = false;

  const buildBatch = (count: number, nowMs: number): { messages: OutgoingMessage[]; bad: number } => {
    const messages: OutgoingMessage[] = [];
    let bad = 0;
    for (let i = 0; i < count; i++) {
      sent += 1;
      if (badEvery > 0 && sent % badEvery === 0) {
        const broken = generator.malformed(nowMs);
        messages.push({ key: broken.key, value: broken.value, headers, timestampMs: nowMs });
        bad += 1;
      } else {
        const reading = generator.next(nowMs);
        messages.push({
          key: reading.machine_id,
          value: encodeSensorReading(reading, { machineTypes }),
          headers,
          timestampMs: nowMs,
        });
      }
    }
    return { messages, bad };
  };

  const tick = async (): Promise<void> => {
    const nowMs = clock();
    credit = Math.min(credit + ((nowMs - lastTickMs) / 1000) * ratePerSec, Math.max(ratePerSec, 1));
    lastTickMs = nowMs;
    const count = Math.min(Math.floor(credit), maxBatch);
    if (count === 0) return;
    credit -= count;
    const { messages, bad } = buildBatch(count, nowMs);
    try {
      await bus.publish(topic, messages);
      produced += messages.length;
      malformed += bad;
    } catch (err) {
      // Only acknowledged messages count as produced, so the end-of-run balance stays exact.
      if (!hasWarned) logger.warn({ err, event: DEMO_LOG_EVENTS.publishFailed, topic }, 'publish failed');
      hasWarned = true;
    }
  };

  const schedule = (): void => {
    if (isStopped) return;
    timer = setTimeout(() => {
      inFlight = tick()
        .catch((err: unknown) => {
          logger.error({ err, event: DEMO_LOG_EVENTS.producerFailed }, 'producer tick failed');
        })
        .finally(schedule);
    }, tickMs);
  };

  return {
    start() {
      startedAtMs = clock();
      lastTickMs = startedAtMs;
      schedule();
    },
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await inFlight;
    },
    get produced() {
      return produced;
    },
    get malformed() {
      return malformed;
    },
    get startedAtMs() {
      return startedAtMs;
    },
  };
}
