import { spawn } from 'node:child_process';

/** V8 flags every bench process gets; recorded in docs/benchmarks.md. */
export const BENCH_NODE_FLAGS = ['--max-semi-space-size=64'];
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { UsageError, closest, parseCommandArgs, type OptionSpec } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';

const NAME = 'bench';
const OPTIONS: readonly OptionSpec[] = [
  { name: 'list', type: 'boolean', description: 'list the benches under bench/ and whether each is built' },
];
// A bench name is a folder name under bench/; anything else (a path, `..`) is refused before touching the disk.
const BENCH_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export interface BenchInfo {
  name: string;
  /** The package name, for the build command. */
  packageName: string;
  description: string;
  /** bench/<name>/dist/main.js */
  mainPath: string;
  isBuilt: boolean;
}

/** The benches: every folder of `<repo>/bench` with a package.json, sorted by name. */
export function listBenches(repoRoot: string): BenchInfo[] {
  const dir = join(repoRoot, 'bench');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => {
      let pkg: { name?: unknown; description?: unknown } = {};
      try {
        pkg = JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8')) as typeof pkg;
      } catch {
        // A broken package.json still lists the bench; running it reports what is wrong.
      }
      const mainPath = join(dir, entry.name, 'dist', 'main.js');
      return {
        name: entry.name,
        packageName: typeof pkg.name === 'string' ? pkg.name : `bench/${entry.name}`,
        description: typeof pkg.description === 'string' ? pkg.description : '',
        mainPath,
        isBuilt: existsSync(mainPath),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function renderBenchList(benches: readonly BenchInfo[]): string {
  if (benches.length === 0) return 'Benches: none found under bench/\n';
  const width = Math.max(...benches.map((b) => b.name.length)) + 2;
  return [
    'Benches (bench/<name>):',
    ...benches.map(
      (b) => `  ${b.name.padEnd(width)}${(b.isBuilt ? 'built' : 'not built').padEnd(11)}${b.description}`,
    ),
    '',
  ].join('\n');
}

function available(benches: readonly BenchInfo[]): string {
  return benches.length === 0
    ? 'no benches found under bench/'
    : `available: ${benches.map((b) => b.name).join(', ')}`;
}

async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  // Options of `bench` itself come before the name; everything after the name belongs to the bench.
  const nameAt = argv.findIndex((arg) => !arg.startsWith('-'));
  const own = nameAt < 0 ? argv : argv.slice(0, nameAt);
  const { values } = parseCommandArgs(NAME, OPTIONS, own);
  if (values.help === true) {
    ctx.stdout(renderCommandHelp(benchCommand, ctx));
    return 0;
  }
  const benches = listBenches(ctx.repoRoot);
  if (values.list === true) {
    ctx.stdout(renderBenchList(benches));
    return 0;
  }
  if (nameAt < 0) throw new UsageError(`missing bench name (${available(benches)})`, NAME);

  const name = argv[nameAt]!;
  const bench = BENCH_NAME.test(name) ? benches.find((b) => b.name === name) : undefined;
  if (bench === undefined) {
    const guess = closest(
      name,
      benches.map((b) => b.name),
    );
    const hint = guess === undefined ? '' : ` Did you mean "${guess}"?`;
    throw new UsageError(`unknown bench "${name}" (${available(benches)}).${hint}`, NAME);
  }
  if (!bench.isBuilt) {
    ctx.stderr(
      `${BIN} ${NAME}: bench "${name}" is not built (${bench.mainPath} is missing).\n` +
        `Build it with: pnpm turbo run build --filter ${bench.packageName}...\n`,
    );
    return 1;
  }
  return runChild(bench.mainPath, argv.slice(nameAt + 1), ctx);
}

/** Runs the bench with this terminal; resolves with its exit code (128 + signal number when killed). */
function runChild(mainPath: string, args: readonly string[], ctx: CommandContext): Promise<number> {
  return new Promise((resolve) => {
    // Benches run with the young-generation size our services use in production (NODE_OPTIONS in the
    // Helm values): kafkajs allocates heavily per message and a 64 MB semi-space halves scavenge time.
    const child = spawn(process.execPath, [...BENCH_NODE_FLAGS, mainPath, ...args], { stdio: 'inherit' });
    // Ctrl-C reaches the child directly (same process group); stay alive to report its exit code. A SIGTERM sent
    // to this process only is passed on, so the bench can shut down cleanly.
    const onSigint = () => {};
    const onSigterm = () => child.kill('SIGTERM');
    ctx.signals.on('SIGINT', onSigint);
    ctx.signals.on('SIGTERM', onSigterm);
    const done = (code: number) => {
      ctx.signals.off('SIGINT', onSigint);
      ctx.signals.off('SIGTERM', onSigterm);
      resolve(code);
    };
    child.on('error', (err) => {
      ctx.stderr(`${BIN} ${NAME}: could not start node: ${err.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

export const benchCommand: Command = {
  name: NAME,
  summary: 'run a benchmark from bench/<name> with its own arguments',
  synopsis: `${NAME} [--list] <name> [args...]`,
  description: [
    'Runs node bench/<name>/dist/main.js with the arguments after <name>, passed through untouched',
    "(so '<name> --help' shows the bench's own options), and exits with the bench's exit code.",
    'Benches are built with the rest of the repository (pnpm build).',
  ].join('\n'),
  options: OPTIONS,
  extraHelp: (ctx) => renderBenchList(listBenches(ctx.repoRoot)).trimEnd(),
  examples: [`${BIN} bench --list`, `${BIN} bench event-bus --help`, `${BIN} bench event-bus`],
  run,
};
