/**
 * `ensureTopics` against a broker that answers a retriable error (as a broker just started does, with
 * UNKNOWN_TOPIC_OR_PARTITION while new topics' metadata propagates): kafkajs's admin is replaced by a fake, since
 * a real broker does not do this on demand.
 */
const admin = {
  topics: new Set<string>(),
  failures: [] as Error[],
  createCalls: 0,
  async connect(): Promise<void> {},
  async disconnect(): Promise<void> {},
  async listTopics(): Promise<string[]> {
    return [...this.topics];
  },
  async createTopics(options: { topics: Array<{ topic: string }> }): Promise<boolean> {
    this.createCalls += 1;
    // The broker creates the topics, then fails the metadata wait.
    for (const t of options.topics) this.topics.add(t.topic);
    const failure = this.failures.shift();
    if (failure) throw failure;
    return true;
  },
};

jest.mock('kafkajs', () => {
  const actual = jest.requireActual<typeof import('kafkajs')>('kafkajs');
  return {
    ...actual,
    Kafka: class {
      producer() {
        return { connect: async () => {}, disconnect: async () => {} };
      }
      admin() {
        return admin;
      }
    },
  };
});

import { AppError, ErrorCode } from '@industrialmind/errors';
import { ENSURE_TOPICS_ATTEMPTS, createKafkaEventBus } from './kafka.adapter';
import { silentLogger } from './port';

function protocolError(type: string, retriable: boolean): Error {
  return Object.assign(new Error('This server does not host this topic-partition'), {
    name: 'KafkaJSProtocolError',
    type,
    retriable,
  });
}

describe('KafkaEventBus.ensureTopics', () => {
  beforeEach(() => {
    admin.topics.clear();
    admin.failures = [];
    admin.createCalls = 0;
  });
  const bus = () => createKafkaEventBus({ brokers: ['127.0.0.1:1'], clientId: 't', logger: silentLogger });

  it('looks again after a retriable error and finds the topics created', async () => {
    admin.failures.push(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true));
    await bus().ensureTopics([{ topic: 'readings', partitions: 3 }]);
    expect([...admin.topics].sort()).toEqual(['readings', 'readings.dlq']);
    // The second look found both: no second create.
    expect(admin.createCalls).toBe(1);
  });

  it('gives up after a bounded number of attempts with a retryable AppError', async () => {
    for (let i = 0; i < ENSURE_TOPICS_ATTEMPTS; i++)
      admin.failures.push(protocolError('LEADER_NOT_AVAILABLE', true));
    // Each attempt sees nothing created, as if the broker lost the topics.
    const listTopics = jest.spyOn(admin, 'listTopics').mockResolvedValue([]);
    try {
      const error = await bus()
        .ensureTopics([{ topic: 'readings' }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect(admin.createCalls).toBe(ENSURE_TOPICS_ATTEMPTS);
    } finally {
      listTopics.mockRestore();
    }
  });

  it('does not retry an error that is not retriable', async () => {
    admin.failures.push(protocolError('TOPIC_AUTHORIZATION_FAILED', false));
    await expect(bus().ensureTopics([{ topic: 'readings' }])).rejects.toMatchObject({
      code: ErrorCode.INTERNAL,
    });
    expect(admin.createCalls).toBe(1);
  });
});
