import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { writeSimulatorRulData } from './rul-simulator-data';

const NAME = 'train';
export const TRAINER_DIR = 'services/trainer-orchestrator/trainer';
const PATH_OPTIONS = new Set(['--data', '--out']);

/** The simulated fleet `train rul --subset simulator` learns from: 40 machines per type, a reading every 20 min. */
export const SIMULATOR_TRAINING_FLEET = {
  machines: 160,
  seed: 11,
  sampleMinutes: 20,
  maxHours: 1500,
} as const;

/** `scripts/trainer-venv.sh`: creates or reuses the cached venv and prints its python. */
function trainerPython(ctx: CommandContext): string {
  const result = spawnSync(join(ctx.repoRoot, 'scripts', 'trainer-venv.sh'), [], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0 || !result.stdout.trim())
    throw new Error('could not prepare the trainer virtualenv (scripts/trainer-venv.sh failed)');
  return result.stdout.trim();
}

/** Writes (once; cached outside the clone) the simulator CSV and returns its path. */
async function simulatorData(ctx: CommandContext): Promise<string> {
  const f = SIMULATOR_TRAINING_FLEET;
  const dir = join(homedir(), '.cache', 'industrialmind', 'rul-simulator');
  const file = join(dir, `fleet-${f.machines}-${f.seed}-${f.sampleMinutes}min.csv`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    ctx.stderr(`train rul: simulating ${f.machines} machines to failure into ${file}\n`);
    await writeSimulatorRulData(file, f);
  }
  return file;
}

/** The trainer's module and arguments for a task; paths are made absolute (the trainer runs in its folder). */
async function trainerArgs(task: string, rest: readonly string[], ctx: CommandContext): Promise<string[]> {
  const args = rest.map((arg, i) => (PATH_OPTIONS.has(rest[i - 1] ?? '') ? resolve(arg) : arg));
  const asksHelp = args.includes('--help') || args.includes('-h');
  const hasOut = args.some((a) => a === '--out' || a.startsWith('--out='));
  if (task === 'anomaly') {
    if (!hasOut && !asksHelp) args.push('--out', join(ctx.repoRoot, 'models', 'anomaly'));
    return ['-m', 'industrialmind_trainer', 'anomaly', ...args];
  }
  const subsetAt = args.indexOf('--subset');
  const isSimulator =
    args.includes('--subset=simulator') || (subsetAt >= 0 && args[subsetAt + 1] === 'simulator');
  if (isSimulator && !args.includes('--data') && !asksHelp) args.push('--data', await simulatorData(ctx));
  if (!hasOut && !asksHelp) args.push('--out', join(ctx.repoRoot, 'services', 'rul-api', 'models'));
  return ['-m', 'industrialmind_trainer.rul.train', ...args];
}

const TASKS = ['anomaly', 'rul'];

async function runTrain(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [task, ...rest] = argv;
  if (task === undefined || task === '--help' || task === '-h') {
    ctx.stdout(renderCommandHelp(trainCommand, ctx));
    return task === undefined ? 2 : 0;
  }
  if (!TASKS.includes(task)) throw new UsageError(`the task must be "anomaly" or "rul", got "${task}"`, NAME);
  const python = trainerPython(ctx);
  const args = await trainerArgs(task, rest, ctx);
  return new Promise((resolve) => {
    // The trainer prints its progress bar on stderr and a JSON summary on stdout; both pass straight through.
    const child = spawn(python, args, { cwd: join(ctx.repoRoot, TRAINER_DIR), stdio: 'inherit' });
    const onSigterm = () => child.kill('SIGTERM');
    ctx.signals.on('SIGTERM', onSigterm);
    child.on('error', (err) => {
      ctx.signals.off('SIGTERM', onSigterm);
      ctx.stderr(`${BIN} ${NAME}: could not start the trainer: ${err.message}\n`);
      resolve(1);
    });
    child.on('exit', (code) => {
      ctx.signals.off('SIGTERM', onSigterm);
      resolve(code === 0 ? 0 : code === 2 ? 2 : 1);
    });
  });
}

export const trainCommand: Command = {
  name: NAME,
  summary: 'train a model with PyTorch and export it to ONNX with its metadata: anomaly, rul',
  synopsis: `train anomaly --dataset skab|simulator --data DIR [trainer options]\n       ${BIN} train rul --subset FD001|FD002|FD003|FD004|simulator [trainer options]`,
  description:
    'Runs the Python trainer (services/trainer-orchestrator/trainer) in its cached virtualenv (created on first use ' +
    'by scripts/trainer-venv.sh under ~/.cache/industrialmind). Options after the task go to the trainer ' +
    '(`train anomaly --help`, `train rul --help` list them). anomaly: chooses the architecture, horizon, channel ' +
    'weights and alarm policy by validation, exports <name>.onnx plus <name>.json (channels, normalisation, window, ' +
    'threshold rule, metrics, data hash, git commit) to --out (default models/anomaly, where anomaly-api picks it up ' +
    'without a restart), and checks PyTorch/ONNX parity; --exclude FILE (repeatable) is never read, for ' +
    'leave-files-out evaluation. rul: trains a CNN ensemble and a transformer on C-MAPSS (or the simulator fleet, ' +
    'simulated first and cached), chooses by validation on held-out engines, calibrates a 90 % interval and writes ' +
    '<name>.onnx/.json/.pt to --out (default services/rul-api/models, which rul-api reloads without a restart).',
  options: [],
  examples: [
    `${BIN} train anomaly --dataset skab --data ../shared/datasets/skab/data --name skab`,
    `${BIN} train anomaly --dataset skab --data ../shared/datasets/skab/data --exclude valve1/0.csv --out /tmp/fold0`,
    `${BIN} train rul --subset FD001`,
    `${BIN} train rul --subset FD004 --epochs 25 --members 3 --window 50`,
  ],
  run: runTrain,
};
