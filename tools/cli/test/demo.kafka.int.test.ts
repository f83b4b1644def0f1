import { createEventBus, createKafkaEventBus } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { uniqueName } from '@industrialmind/testing';
import { runDemo } from '../src/demo/run-demo';

// The full profile on a real broker: the same demo, with the kafkajs adapter instead of the in-memory bus.
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const START_HINT = 'start it with: infrastructure/local/kafka.sh start';

beforeAll(async () => {
  const probe = createKafkaEventBus({ brokers, clientId: 'cli-probe', connectionTimeoutMs: 2000 });
  try {
    await probe.ping();
  } catch (err) {
    throw new Error(`Kafka is not reachable at ${brokers.join(',')}: ${String(err)}; ${START_HINT}`);
  } finally {
    await probe.close();
  }
}, 30_000);

describe('demo on Kafka (--profile full)', () => {
  it('balances produced = consumed + dead-lettered through a real broker and its DLQ', async () => {
    const captured = createCapturedLogger({ level: 'warn' });
    let output = '';
    const sut = await runDemo(
      {
        profile: 'full',
        machines: 8,
        ratePerSec: 500,
        durationSec: 3,
        seed: 1,
        badEvery: 50,
        json: true,
        drainTimeoutSec: 30,
        // Unique names: the broker is shared with other tests and runs, and the demo's default names are fixed.
        topic: uniqueName('cli-demo-readings'),
        groupId: uniqueName('cli-demo-monitor'),
      },
      {
        bus: createEventBus({ backend: 'kafka', brokers, clientId: 'cli-demo-test' }, captured.logger),
        logger: captured.logger,
        write: (text) => void (output += text),
        stopSignal: new AbortController().signal,
      },
    );
    expect(sut.consumed).toBeGreaterThan(0);
    expect(sut.deadLettered).toBeGreaterThan(0);
    expect(sut).toMatchObject({ isBalanced: true, isCleanShutdown: true, exitCode: 0, ignored: 0 });
    expect(output.trim().split('\n').at(-1)).toContain('"balanced":true');
  }, 90_000);
});
