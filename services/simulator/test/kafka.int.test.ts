// The simulator on a real broker: everything it reports as published is in the topic, once per reading id,
// readable by a consumer group. Needs Kafka from infrastructure/local/kafka.sh (started by `make test`).
import { createDefaultMachineTypeRegistry, parseSensorReadings } from '@industrialmind/contracts';
import { createKafkaEventBus, type EventBus } from '@industrialmind/event-bus';
import { requireKafka, testKafkaBrokers } from '@industrialmind/event-bus/testing';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { uniqueName, waitFor } from '@industrialmind/testing';
import { createService } from '../src/service';
import { testConfig } from '../src/testing';

const brokers = testKafkaBrokers();
const readingsTopic = uniqueName('sim-readings');
const truthTopic = uniqueName('sim-truth');

let bus: EventBus;

beforeAll(async () => {
  await requireKafka(brokers);
  bus = createKafkaEventBus({ brokers, clientId: 'simulator-int-test', connectionTimeoutMs: 3000 });
  await bus.connect();
});

afterAll(async () => {
  await bus.deleteTopics([readingsTopic, truthTopic]);
  await bus.close();
});

describe('simulator on Kafka', () => {
  it('publishes every reading and its ground truth, keyed by machine_id, losing none', async () => {
    const sut = createService({
      config: testConfig({
        SIMULATOR_FLEET_SIZE: '10',
        SIMULATOR_RATE_PER_SEC: '1000',
        SIMULATOR_TOPIC_PARTITIONS: '3',
      }),
      logger: createCapturedLogger({ level: 'warn' }).logger,
      ports: { bus },
      topics: { readings: readingsTopic, groundTruth: truthTopic },
    });
    await sut.start();
    sut.controller.start();
    await waitFor(() => sut.controller.status().readings_published >= 2_000, {
      timeoutMs: 30_000,
      description: '2000 readings',
    });
    await sut.stop();
    const status = sut.controller.status();
    expect(status).toMatchObject({ pending: 0, abandoned: 0 });

    const readings = new Map<string, string | null>();
    const truths = new Set<string>();
    const machineTypes = createDefaultMachineTypeRegistry();
    const subscription = await bus.subscribe(
      { topics: [readingsTopic, truthTopic], groupId: uniqueName('sim-check'), fromBeginning: true },
      async (batch) => {
        for (const m of batch) {
          if (m.topic === truthTopic) {
            truths.add(JSON.parse(m.value.toString()).reading_id);
            continue;
          }
          // A message carries one machine's readings (a batch since contracts 1.1), all valid.
          const parsed = parseSensorReadings(m.value, { machineTypes });
          if (!parsed.ok) throw new Error(parsed.reason);
          expect(parsed.value.rejected).toEqual([]);
          for (const reading of parsed.value.readings) {
            expect(m.key).toBe(reading.machine_id);
            readings.set(reading.reading_id, m.key);
          }
        }
      },
    );
    await waitFor(
      () => readings.size >= status.readings_published && truths.size >= status.ground_truth_published,
      {
        timeoutMs: 60_000,
        description: `${status.readings_published} readings back from Kafka`,
      },
    );
    await subscription.stop();

    expect(readings.size).toBe(status.readings_published);
    expect(truths.size).toBe(status.ground_truth_published);
    expect(status.generated).toBe(status.readings_published);
  }, 120_000);
});
