import { toDeadLetter, type BatchContext, type IncomingMessage } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { RUN_HEADER, createDeadLetterCounter } from './dead-letters';

const RUN = 'run-1';

function message(
  offset: number,
  value: Buffer | string,
  headers: Record<string, string> = { [RUN_HEADER]: RUN },
): IncomingMessage {
  return {
    topic: 'sensor-readings',
    partition: 0,
    offset: String(offset),
    key: 'cnc-mill-001',
    value: Buffer.from(value),
    headers,
    timestampMs: 0,
  };
}

function fakeContext(): BatchContext & { deadLettered: Array<[IncomingMessage, string]> } {
  const deadLettered: Array<[IncomingMessage, string]> = [];
  return {
    topic: 'sensor-readings',
    partition: 0,
    groupId: 'fleet-monitor',
    signal: new AbortController().signal,
    heartbeat: async () => {},
    deadLetter: (m, reason) => void deadLettered.push([m, reason]),
    deadLettered,
  };
}

describe(createDeadLetterCounter.name, () => {
  const deadLetter = (offset: number, reason: string, dlqOffset = offset) => ({
    ...toDeadLetterMessage(message(offset, 'x'), reason),
    offset: String(dlqOffset),
  });

  function toDeadLetterMessage(original: IncomingMessage, reason: string): IncomingMessage {
    const record = toDeadLetter(original, 'fleet-monitor', [reason]);
    return { ...original, topic: 'sensor-readings.dlq', headers: record.headers ?? {} };
  }

  it('counts each dead letter once, keeps the last reason and logs the first at warn', async () => {
    const captured = createCapturedLogger();
    const sut = createDeadLetterCounter({ runId: RUN, logger: captured.logger });
    await sut.handler([deadLetter(5, 'first reason'), deadLetter(9, 'second reason')], fakeContext());
    // The same original message dead-lettered again after a redelivery.
    await sut.handler([deadLetter(9, 'second reason', 10)], fakeContext());
    expect(sut.stats()).toEqual({ deadLetters: 2, firstReason: 'first reason', lastReason: 'second reason' });
    const line = captured.find('first dead letter');
    expect(line).toMatchObject({
      level: 'warn',
      event: 'demo.reading.dead_lettered',
      reason: 'first reason',
    });
    expect(captured.lines().filter((l) => l.msg === 'first dead letter')).toHaveLength(1);
  });

  it('ignores records that are not dead letters or belong to another run', async () => {
    const sut = createDeadLetterCounter({ runId: RUN, logger: createCapturedLogger().logger });
    const otherRun = toDeadLetterMessage(message(1, 'x', { [RUN_HEADER]: 'other' }), 'r');
    await sut.handler([message(0, 'plain'), otherRun], fakeContext());
    expect(sut.stats().deadLetters).toBe(0);
  });
});
