import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ErrorCode } from '@industrialmind/errors';
import { createKafkaEventBus } from './kafka.adapter';
import { describeEventBusContract, installTestTracing, requireKafka, testKafkaBrokers } from './testing';

installTestTracing();

const brokers = testKafkaBrokers();

beforeAll(() => requireKafka(brokers));

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
