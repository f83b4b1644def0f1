/**
 * The producer-replacement path of the Kafka adapter. The broker error that triggers it (the idempotent producer's
 * sequence refused) cannot be provoked on demand against a real broker through kafkajs's public API, so kafkajs's
 * client is replaced here by a fake whose producers fail as kafkajs reports that error.
 */
const producers: FakeProducer[] = [];

class FakeProducer {
  sent: unknown[] = [];
  connected = false;
  disconnected = false;
  failures: Error[] = [];
  async connect(): Promise<void> {
    this.connected = true;
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async send(record: { messages: unknown[] }): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(...record.messages);
  }
}

function protocolError(type: string): Error {
  return Object.assign(new Error(`The broker received an out of order sequence number`), {
    name: 'KafkaJSProtocolError',
    type,
    retriable: false,
  });
}

jest.mock('kafkajs', () => {
  const actual = jest.requireActual<typeof import('kafkajs')>('kafkajs');
  return {
    ...actual,
    Kafka: class {
      producer(): FakeProducer {
        const p = new FakeProducer();
        // Every new producer fails its first send while the test says so.
        p.failures.push(...pendingFailures.splice(0));
        producers.push(p);
        return p;
      }
      admin() {
        return { connect: async () => {}, disconnect: async () => {} };
      }
    },
  };
});

let pendingFailures: Error[] = [];

import { AppError, ErrorCode } from '@industrialmind/errors';
import { createKafkaEventBus, isProducerStateError } from './kafka.adapter';
import { silentLogger } from './port';

const message = (n: number) => ({ key: `m${n}`, value: `v${n}` });

beforeEach(() => {
  producers.length = 0;
  pendingFailures = [];
});

describe('KafkaEventBus producer reset', () => {
  it('replaces a producer whose sequence the broker refused and sends again, once', async () => {
    const warnings: string[] = [];
    const bus = createKafkaEventBus({
      brokers: ['127.0.0.1:1'],
      clientId: 't',
      compression: 'none',
      logger: { ...silentLogger, warn: (_fields, msg) => void warnings.push(msg) },
    });
    pendingFailures = [protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER')];

    await bus.publish('t', [message(1), message(2)]);

    expect(producers).toHaveLength(2);
    expect(producers[0]!.sent).toEqual([]);
    expect(producers[0]!.disconnected).toBe(true);
    expect(producers[1]!.sent).toEqual([message(1), message(2)]);
    expect(bus.producerResetCount).toBe(1);
    expect(warnings.join()).toContain('replacing the producer');

    await bus.publish('t', [message(3)]);
    expect(producers).toHaveLength(2);
    expect(producers[1]!.sent).toHaveLength(3);
  });

  it('shares one replacement between concurrent publishes that hit the error', async () => {
    const bus = createKafkaEventBus({ brokers: ['127.0.0.1:1'], clientId: 't', compression: 'none' });
    pendingFailures = [protocolError('UNKNOWN_PRODUCER_ID'), protocolError('UNKNOWN_PRODUCER_ID')];

    await Promise.all([bus.publish('t', [message(1)]), bus.publish('t', [message(2)])]);

    expect(producers).toHaveLength(2);
    expect(producers[1]!.sent).toHaveLength(2);
    expect(bus.producerResetCount).toBe(1);
  });

  it('gives up after the one repeat, and does not reset on other errors', async () => {
    const bus = createKafkaEventBus({ brokers: ['127.0.0.1:1'], clientId: 't', compression: 'none' });
    await bus.connect();
    producers[0]!.failures.push(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    pendingFailures = [protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER')];

    await expect(bus.publish('t', [message(1)])).rejects.toBeInstanceOf(AppError);
    expect(producers).toHaveLength(2);

    producers[1]!.failures.push(
      Object.assign(new Error('topic authorization failed'), {
        name: 'KafkaJSProtocolError',
        type: 'TOPIC_AUTHORIZATION_FAILED',
        retriable: false,
      }),
    );
    await expect(bus.publish('t', [message(2)])).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
    expect(producers).toHaveLength(2);
  });
});

describe(isProducerStateError.name, () => {
  it('finds the broker error type on the error or its cause', () => {
    expect(isProducerStateError(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'))).toBe(true);
    expect(isProducerStateError({ name: 'X', cause: protocolError('INVALID_PRODUCER_EPOCH') })).toBe(true);
    expect(isProducerStateError({ originalError: protocolError('UNKNOWN_PRODUCER_ID') })).toBe(true);
    expect(isProducerStateError(protocolError('NOT_LEADER_FOR_PARTITION'))).toBe(false);
    expect(isProducerStateError(new Error('x'))).toBe(false);
    expect(isProducerStateError(undefined)).toBe(false);
  });
});
