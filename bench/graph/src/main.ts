/**
 * bench/graph:
 *   root-cause  accuracy of the root-cause ranking (top-1, top-3) on simulated faults, local and propagated
 *   latency     root-cause query p50/p99 on a 10,000-node plant in Neo4j, against the in-memory graph in one run
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate } from './evaluation';
import { runLatency } from './latency';
import { DEFAULT_NEO4J_PASSWORD, DEFAULT_NEO4J_URI, DEFAULT_NEO4J_USER } from './config';

const HELP = `Usage: industrialmind bench graph <root-cause|latency> [options]

root-cause: simulates faults on a 24-machine plant (4 lines of 6, FEEDS bay to bay), some propagating downstream,
detects anomalies with a causal robust z-score per channel, ranks root causes as graph-api does and scores the
ranking against the simulator's ground-truth root component.
  --faults N          simulated faults (default 240)
  --propagated F      share of propagated faults, 0-1 (default 0.5)
  --seed N            (default 7)

latency: loads a plant of about --nodes nodes into Neo4j (its own label namespace, removed afterwards) and into
the in-memory graph, then times root-cause rankings for random machines and contributions on both.
  --nodes N           plant size in nodes (default 10000)
  --queries N         timed queries per backend (default 2000, after 200 warm-up)
  --neo4j-uri URI     (default $NEO4J_URI or bolt://127.0.0.1:7687); user/password from $NEO4J_USER/$NEO4J_PASSWORD

Both:
  --json FILE         also write the results as JSON
  -h, --help          this text

Examples:
  bin/industrialmind bench graph root-cause --faults 240
  infrastructure/local/neo4j.sh start && bin/industrialmind bench graph latency --nodes 10000
`;

function writeJson(file: string | undefined, value: unknown): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      faults: { type: 'string', default: '240' },
      propagated: { type: 'string', default: '0.5' },
      seed: { type: 'string', default: '7' },
      nodes: { type: 'string', default: '10000' },
      queries: { type: 'string', default: '2000' },
      'neo4j-uri': { type: 'string', default: DEFAULT_NEO4J_URI },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const mode = positionals[0];
  if (values.help || (mode !== 'root-cause' && mode !== 'latency')) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (mode === 'root-cause') {
    const faults = Number(values.faults);
    const started = Date.now();
    const { results, summary } = await evaluate(
      { faults, seed: Number(values.seed), propagatedShare: Number(values.propagated) },
      (r) => {
        if ((r.trial + 1) % 20 === 0) process.stderr.write(`  ${r.trial + 1}/${faults} faults\n`);
      },
    );
    process.stdout.write(
      `root-cause accuracy, ${summary.faults} faults (${summary.propagated} propagated), ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    process.stdout.write(
      `  detected ${summary.detected}/${summary.faults}; false-positive events before the faults: ${summary.falsePositiveEvents}\n`,
    );
    process.stdout.write(`  top-1 ${summary.top1}  top-3 ${summary.top3}  (misses count as wrong)\n`);
    process.stdout.write(
      `  top-1 ${summary.top1Detected}  top-3 ${summary.top3Detected}  (detected faults only)\n`,
    );
    process.stdout.write(`  group                          faults detected  top-1  top-3\n`);
    for (const [group, g] of Object.entries(summary.byGroup).sort()) {
      process.stdout.write(
        `  ${group.padEnd(30)} ${String(g.faults).padStart(6)} ${String(g.detected).padStart(8)} ` +
          `${(g.top1 / g.faults).toFixed(3).padStart(6)} ${(g.top3 / g.faults).toFixed(3).padStart(6)}\n`,
      );
    }
    writeJson(values.json, { summary, results });
    return 0;
  }
  const result = await runLatency({
    nodes: Number(values.nodes),
    queries: Number(values.queries),
    uri: values['neo4j-uri'],
    user: DEFAULT_NEO4J_USER,
    password: DEFAULT_NEO4J_PASSWORD,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `root-cause query latency on a ${result.nodes}-node plant (${result.relations} relations), ${result.queries} queries each\n`,
  );
  process.stdout.write(`  backend        p50 ms   p99 ms   mean ms\n`);
  for (const b of result.backends) {
    process.stdout.write(
      `  ${b.backend.padEnd(13)} ${b.p50Ms.toFixed(2).padStart(7)} ${b.p99Ms.toFixed(2).padStart(8)} ${b.meanMs.toFixed(2).padStart(9)}\n`,
    );
  }
  process.stdout.write(
    `  neo4j/memory p99 ratio: ${result.p99Ratio.toFixed(1)}; import into Neo4j ${(result.importMs / 1000).toFixed(1)} s\n`,
  );
  process.stdout.write(
    `  plant cache (timed queries): ${result.cache.hits} hits, ${result.cache.misses} misses; rankings identical on all three backends: ${result.rankingsIdentical}/${result.rankingsCompared}\n`,
  );
  writeJson(values.json, result);
  return result.rankingsIdentical === result.rankingsCompared ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench graph failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
