import {
  DLQ_HEADERS,
  deadLetterPart,
  deadLetterRejected,
  messagePart,
  parseDeadLetter,
  toDeadLetter,
} from './dead-letter';
import type { IncomingMessage } from './port';

const original: IncomingMessage = {
  topic: 'sensor-readings',
  partition: 3,
  offset: '1042',
  key: 'mill-1',
  value: Buffer.from('[{"a":1},{"b":2}]'),
  headers: { traceparent: '00-abc-def-01' },
  timestampMs: 1_700_000_000_000,
};

describe(messagePart.name, () => {
  it("dead-letters one element with the message's coordinates, key, headers and its index", () => {
    const part = messagePart(original, '{"b":2}', 1);

    const record = toDeadLetter(part, 'ingestion', ['[1].b: is not a channel']);
    const info = parseDeadLetter({ ...original, topic: 'sensor-readings.dlq', ...record } as IncomingMessage);

    expect(record.value.toString()).toBe('{"b":2}');
    expect(record.key).toBe('mill-1');
    expect(record.headers![DLQ_HEADERS.batchIndex]).toBe('1');
    expect(info).toMatchObject({
      originalTopic: 'sensor-readings',
      originalPartition: 3,
      originalOffset: '1042',
      batchIndex: 1,
      reason: '[1].b: is not a channel',
      headers: { traceparent: '00-abc-def-01' },
    });
    expect(original.value.toString()).toBe('[{"a":1},{"b":2}]');
  });

  it('keeps a Buffer value as is, and a whole-message record has no batch index', () => {
    const bytes = Buffer.from('x');
    expect(messagePart(original, bytes, 0).value).toBe(bytes);

    const info = parseDeadLetter({ ...original, ...toDeadLetter(original, 'g', ['bad']) } as IncomingMessage);

    expect(info).toBeDefined();
    expect(info!.batchIndex).toBeUndefined();
  });
});

describe(deadLetterPart.name, () => {
  it('dead-letters the whole message, or one element of it as JSON with its index', () => {
    const marked: Array<[IncomingMessage, string]> = [];
    const ctx = { deadLetter: (m: IncomingMessage, reason: string) => void marked.push([m, reason]) };

    deadLetterPart(ctx, original, 'not JSON');
    deadLetterPart(ctx, original, '[1].b: unknown', { index: 1, value: { b: 2 } });

    expect(marked[0]).toEqual([original, 'not JSON']);
    expect(marked[1]![0].value.toString()).toBe('{"b":2}');
    expect(marked[1]![0].headers[DLQ_HEADERS.batchIndex]).toBe('1');
    expect(marked[1]![1]).toBe('[1].b: unknown');
  });

  it("writes an element's source text when the decoder kept it, not its parsed value", () => {
    const marked: IncomingMessage[] = [];
    const ctx = { deadLetter: (m: IncomingMessage) => void marked.push(m) };

    deadLetterPart(ctx, original, 'too large', { index: 2, value: { t: Infinity }, text: '{"t": 1e400}' });

    expect(marked[0]!.value.toString()).toBe('{"t": 1e400}');
    expect(marked[0]!.headers[DLQ_HEADERS.batchIndex]).toBe('2');
  });
});

describe(deadLetterRejected.name, () => {
  it('dead-letters the rejected element, counts it by code and logs its coordinates', () => {
    const marked: Array<[IncomingMessage, string]> = [];
    const ctx = { deadLetter: (m: IncomingMessage, reason: string) => void marked.push([m, reason]) };
    const counted: string[] = [];
    const logged: Array<Record<string, unknown>> = [];
    const reporter = {
      counter: { inc: (labels: { reason: string }) => void counted.push(labels.reason) },
      logger: { debug: (fields: Record<string, unknown>) => void logged.push(fields) },
      event: 'test.reading.dead_lettered',
    };

    deadLetterRejected(ctx, original, { reason: 'not JSON', code: 'invalid_json' }, reporter);
    deadLetterRejected(
      ctx,
      original,
      { reason: 'rows[3][1]: bad', code: 'invalid_timestamp', element: { index: 3, value: [1] } },
      reporter,
    );

    expect(marked.map(([m, r]) => [m.value.toString(), m.headers[DLQ_HEADERS.batchIndex], r])).toEqual([
      [original.value.toString(), undefined, 'not JSON'],
      ['[1]', '3', 'rows[3][1]: bad'],
    ]);
    expect(counted).toEqual(['invalid_json', 'invalid_timestamp']);
    expect(logged[1]).toEqual({
      event: 'test.reading.dead_lettered',
      topic: original.topic,
      partition: original.partition,
      offset: original.offset,
      batch_index: 3,
      reason: 'rows[3][1]: bad',
    });
  });
});
