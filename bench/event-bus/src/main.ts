/**
 * bench/event-bus: produce + consume throughput of 200-byte JSON readings through a real Kafka broker, with our
 * EventBus layer and with plain kafkajs, interleaved in one run (ours, plain, ours, plain, ...) so both see the
 * same machine state. Reports the median of the rounds and the ratio.
 *
 *   node bench/event-bus/dist/main.js [--messages 300000] [--rounds 3] [--batch 5000] [--in-flight 4]
 *                                     [--size 200] [--compression gzip|none] [--brokers 127.0.0.1:9092] [--json FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BROKERS } from './config';
import { formatRate, makePayloads, median } from './stats';
import { deleteTopics, runOurs, runPlain, type RunResult } from './variants';

const HELP = `Usage: industrialmind bench event-bus [options]

Measures produce + consume throughput of JSON readings through a real Kafka broker, with our EventBus layer and
with plain kafkajs in the same run, and prints messages/s for both and their ratio.

Options:
  --messages N        messages per round and variant (default 300000)
  --rounds N          rounds, each running both variants, alternating which goes first (default 5)
  --batch N           messages per publish call (default 5000)
  --in-flight N       concurrent publish calls (default 4)
  --size BYTES        JSON payload size (default 200)
  --compression C     gzip | none (default gzip)
  --brokers LIST      Kafka bootstrap servers (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --json FILE         also write the results as JSON
  -h, --help          this text

Example:
  infrastructure/local/kafka.sh start && bin/industrialmind bench event-bus --messages 300000 --rounds 5
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '300000' },
      rounds: { type: 'string', default: '5' },
      batch: { type: 'string', default: '5000' },
      'in-flight': { type: 'string', default: '4' },
      size: { type: 'string', default: '200' },
      compression: { type: 'string', default: 'gzip' },
      brokers: { type: 'string', default: DEFAULT_BROKERS },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const messages = int('messages', values.messages);
  const rounds = int('rounds', values.rounds);
  const batch = int('batch', values.batch);
  const inFlight = int('in-flight', values['in-flight']);
  const size = int('size', values.size);
  if (values.compression !== 'gzip' && values.compression !== 'none')
    throw new UsageError('--compression must be gzip or none');
  const compression: 'gzip' | 'none' = values.compression;
  const brokers = values.brokers.split(',');
  const payloads = makePayloads(2000, size, 200);

  const ours: RunResult[] = [];
  const plain: RunResult[] = [];
  const stamp = Date.now().toString(36);
  const common = { brokers, payloads, messages, batch, inFlight, compression };
  // One untimed warm-up of each, so neither variant pays for JIT compilation and broker page cache alone.
  await runOurs({ ...common, messages: Math.min(messages, 100_000), topic: `bench-warm-ours-${stamp}` });
  await runPlain({ ...common, messages: Math.min(messages, 100_000), topic: `bench-warm-plain-${stamp}` });
  await deleteTopics(brokers, [`bench-warm-ours-${stamp}`, `bench-warm-plain-${stamp}`]);
  for (let r = 1; r <= rounds; r++) {
    // Alternate which variant goes first, so drift in machine state does not favour one.
    const order = r % 2 === 1 ? (['ours', 'plain'] as const) : (['plain', 'ours'] as const);
    for (const variant of order) {
      const result = await (variant === 'ours' ? runOurs : runPlain)({
        ...common,
        topic: `bench-${variant}-${stamp}-${r}`,
      });
      (variant === 'ours' ? ours : plain).push(result);
      log(
        `round ${r} ${variant.padEnd(5)} end-to-end ${formatRate(result.endToEndRate)} msg/s, produce ${formatRate(result.produceRate)} msg/s`,
      );
    }
  }
  const summary = {
    bench: 'event-bus',
    date: new Date().toISOString(),
    settings: { messages, rounds, batch, inFlight, size, compression, brokers },
    ours: {
      endToEnd: median(ours.map((x) => x.endToEndRate)),
      produce: median(ours.map((x) => x.produceRate)),
      rounds: ours,
    },
    plain: {
      endToEnd: median(plain.map((x) => x.endToEndRate)),
      produce: median(plain.map((x) => x.produceRate)),
      rounds: plain,
    },
  };
  const ratio = summary.ours.endToEnd / summary.plain.endToEnd;
  // Each round's two runs are neighbours in time; the median of their ratios resists machine-wide drift.
  const pairedRatio = median(ours.map((o, i) => o.endToEndRate / plain[i]!.endToEndRate));
  process.stdout.write(
    [
      '',
      `| variant | produce + consume msg/s (median of ${rounds}) | produce-only msg/s |`,
      '|---|---|---|',
      `| IndustrialMind EventBus (kafkajs adapter) | ${formatRate(summary.ours.endToEnd)} | ${formatRate(summary.ours.produce)} |`,
      `| plain kafkajs | ${formatRate(summary.plain.endToEnd)} | ${formatRate(summary.plain.produce)} |`,
      `| ratio ours / plain (of the medians) | ${ratio.toFixed(3)} | ${(summary.ours.produce / summary.plain.produce).toFixed(3)} |`,
      `| ratio ours / plain (median of per-round ratios) | ${pairedRatio.toFixed(3)} | |`,
      '',
    ].join('\n'),
  );
  if (values.json) {
    mkdirSync(dirname(values.json), { recursive: true });
    writeFileSync(values.json, `${JSON.stringify({ ...summary, ratio, pairedRatio }, null, 2)}\n`);
  }
}

class UsageError extends Error {}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench event-bus: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
