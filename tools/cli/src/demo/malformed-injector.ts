import type { EventBus, MessageHeaders } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import { DEMO_LOG_EVENTS } from './log-events';
import type { MalformedMessage } from './malformed';

export interface MalformedInjectorOptions {
  bus: Pick<EventBus, 'publish'>;
  topic: string;
  /** Makes the broken messages (cycling through four kinds the contract rejects). */
  malformed: (timestampMs: number) => MalformedMessage;
  /** One message in `badEvery` is broken: 0 = off, otherwise at least 2. */
  badEvery: number;
  /** The valid readings the bus acknowledged so far (the simulator's count). */
  validProduced: () => number;
  headers: MessageHeaders;
  logger: Logger;
  /** Default 100 ms. */
  tickMs?: number;
}

export interface MalformedInjector {
  start(): void;
  /** Stops the timer and waits for the publish in flight. Idempotent. */
  stop(): Promise<void>;
  /** Broken messages the bus acknowledged. */
  readonly produced: number;
}

/**
 * Mixes broken messages into sensor-readings next to the simulator's readings, to show the dead-letter queue: a
 * timer tops them up so that they are one in `badEvery` of all messages (m = valid / (badEvery - 1)). Only
 * acknowledged messages count, so the demo's balance stays exact.
 */
export function createMalformedInjector(options: MalformedInjectorOptions): MalformedInjector {
  const { bus, topic, malformed, badEvery, validProduced, headers, logger } = options;
  const tickMs = options.tickMs ?? 100;
  let produced = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let isStopped = false;
  let hasWarned = false;

  const tick = async (): Promise<void> => {
    const due = Math.floor(validProduced() / (badEvery - 1)) - produced;
    if (due <= 0) return;
    const nowMs = Date.now();
    const messages = Array.from({ length: Math.min(due, 1000) }, () => {
      const broken = malformed(nowMs);
      return { key: broken.key, value: broken.value, headers, timestampMs: nowMs };
    });
    try {
      await bus.publish(topic, messages);
      produced += messages.length;
    } catch (err) {
      if (!hasWarned) logger.warn({ err, event: DEMO_LOG_EVENTS.publishFailed, topic }, 'publish failed');
      hasWarned = true;
    }
  };

  const schedule = (): void => {
    if (isStopped) return;
    timer = setTimeout(() => {
      inFlight = tick().finally(schedule);
    }, tickMs);
  };

  return {
    start() {
      if (badEvery > 0) schedule();
    },
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await inFlight;
      // One last top-up, so the ratio holds for the final count too.
      if (badEvery > 0) await tick();
    },
    get produced() {
      return produced;
    },
  };
}
