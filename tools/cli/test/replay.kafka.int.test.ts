import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaEventBus } from '@industrialmind/event-bus';
import { requireKafka, testKafkaBrokers } from '@industrialmind/event-bus/testing';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { cmapssText } from '@industrialmind/simulation/testing';
import { uniqueName } from '@industrialmind/testing';
import { parseReplayOptions, runReplay } from '../src/commands/replay';

// replay --profile full: a data set through a real broker, the case replay exists for.
const brokers = testKafkaBrokers();

beforeAll(() => requireKafka(brokers), 30_000);

describe('replay on Kafka (--profile full)', () => {
  it('publishes every C-MAPSS row to the readings topic and its RUL to the ground-truth topic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-replay-kafka-'));
    const file = join(dir, 'train_FD001.txt');
    writeFileSync(file, cmapssText({ cycles: [20, 15] }));
    // Unique names: the broker is shared with other tests and runs.
    const readingsTopic = uniqueName('cli-replay-readings');
    const groundTruthTopic = uniqueName('cli-replay-truth');
    const options = parseReplayOptions([
      '--dataset',
      'cmapss',
      '--path',
      file,
      '--speed',
      'max',
      '--profile',
      'full',
    ]);
    const captured = createCapturedLogger({ level: 'warn' });
    let output = '';
    const sut = await runReplay(options as Exclude<typeof options, 'help'>, {
      bus: createKafkaEventBus({ brokers, clientId: 'cli-replay-test', logger: captured.logger }),
      logger: captured.logger,
      write: (text) => void (output += text),
      stopSignal: new AbortController().signal,
      readingsTopic,
      groundTruthTopic,
    });
    expect(sut).toMatchObject({ machines: 2, readingsPublished: 35, linesSkipped: 0, isAborted: false });
    expect(output).toContain(`35 published to ${readingsTopic}`);

    const reader = createKafkaEventBus({ brokers, clientId: 'cli-replay-reader' });
    const counts: Record<string, number> = {};
    await reader.connect();
    const subscription = await reader.subscribe(
      { topics: [readingsTopic, groundTruthTopic], groupId: uniqueName('cli-replay-reader') },
      async (messages) => {
        // Records, not messages: a readings message may carry a batch of one engine's cycles.
        for (const m of messages) {
          const value = JSON.parse(m.value.toString()) as unknown;
          counts[m.topic] = (counts[m.topic] ?? 0) + (Array.isArray(value) ? value.length : 1);
        }
      },
    );
    try {
      const deadline = Date.now() + 30_000;
      while (
        ((counts[readingsTopic] ?? 0) < 35 || (counts[groundTruthTopic] ?? 0) < 35) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(counts).toEqual({ [readingsTopic]: 35, [groundTruthTopic]: 35 });
    } finally {
      await subscription.stop();
      await reader.close();
    }
  }, 90_000);
});
