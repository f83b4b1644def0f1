import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ErrorCode } from '@industrialmind/errors';
import { createKafkaEventBus } from './kafka.adapter';
import { describeEventBusContract, installTestTracing } from './testing';

installTestTracing();

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const START_HINT = 'start it with: infrastructure/local/kafka.sh start (or make up)';

beforeAll(async () => {
  const probe = createKafkaEventBus({ brokers, clientId: 'probe', connectionTimeoutMs: 2000 });
  try {
    await probe.ping();
  } catch (err) {
    throw new Error(`Kafka is not reachable at ${brokers.join(',')}: ${String(err)}; ${START_HINT}`);
  } finally {
    await probe.close();
  }
});

describeEventBusContract('kafkajs adapter on a real broker', {
  timeoutMs: 90_000,
  create: async () => {
    // A short session timeout so the group notices a killed member in seconds, not the default 30 s.
    const bus = createKafkaEventBus({
      brokers,
      clientId: 'contract-test',
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
    });
    await bus.connect();
    return bus;
  },
  startDoomedConsumer: async (_bus, topic, groupId) => {
    const script = join(__dirname, '..', 'dist', 'testing', 'crashing-consumer.js');
    const child = spawn(process.execPath, [script, brokers.join(','), topic, groupId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`doomed consumer never held a batch; stderr: ${stderr}`)),
        60_000,
      );
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('holding')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`doomed consumer exited early (${code}): ${stderr}`)));
    });
    return {
      kill: async () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
    };
  },
});

describe('KafkaEventBus errors', () => {
  it('reports an unreachable broker as UPSTREAM_UNAVAILABLE', async () => {
    const sut = createKafkaEventBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'nowhere',
      connectionTimeoutMs: 300,
      requestTimeoutMs: 500,
    });
    await expect(sut.connect()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
    await sut.close();
  }, 60_000);

  it('refuses an empty broker list', () => {
    expect(() => createKafkaEventBus({ brokers: [], clientId: 'x' })).toThrow('at least one Kafka broker');
  });
});
