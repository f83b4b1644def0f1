import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { UsageError } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';

const NAME = 'train';
export const TRAINER_DIR = 'services/trainer-orchestrator/trainer';
const PATH_OPTIONS = new Set(['--data', '--out']);

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

async function runTrain(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [task, ...rest] = argv;
  if (task === undefined || task === '--help' || task === '-h') {
    ctx.stdout(renderCommandHelp(trainCommand, ctx));
    return task === undefined ? 2 : 0;
  }
  if (task !== 'anomaly') throw new UsageError(`the task must be "anomaly", got "${task}"`, NAME);
  // The trainer runs in its own folder: paths given relative to where the CLI was started are made absolute.
  const args = rest.map((arg, i) => (PATH_OPTIONS.has(rest[i - 1] ?? '') ? resolve(arg) : arg));
  if (!args.includes('--out')) args.push('--out', join(ctx.repoRoot, 'models', 'anomaly'));
  const python = trainerPython(ctx);
  return new Promise((resolve) => {
    // The trainer prints its progress bar on stderr and a JSON summary on stdout; both pass straight through.
    const child = spawn(python, ['-m', 'industrialmind_trainer', task, ...args], {
      cwd: join(ctx.repoRoot, TRAINER_DIR),
      stdio: 'inherit',
    });
    const onSigterm = () => child.kill('SIGTERM');
    ctx.signals.on('SIGTERM', onSigterm);
    child.on('error', (err) => {
      ctx.signals.off('SIGTERM', onSigterm);
      ctx.stderr(`${BIN} ${NAME}: could not start the trainer: ${err.message}\n`);
      resolve(1);
    });
    child.on('exit', (code) => {
      ctx.signals.off('SIGTERM', onSigterm);
      resolve(code ?? 1);
    });
  });
}

export const trainCommand: Command = {
  name: NAME,
  summary: 'train a model with PyTorch and export it to ONNX with its metadata: anomaly',
  synopsis: 'train anomaly --dataset skab|simulator --data DIR [trainer options]',
  description:
    'Runs the Python trainer (services/trainer-orchestrator/trainer) in its cached virtualenv (created on first use ' +
    'by scripts/trainer-venv.sh under ~/.cache/industrialmind). It chooses the architecture, horizon, channel weights ' +
    'and alarm policy by validation, exports <name>.onnx plus <name>.json (channels, normalisation, window, threshold ' +
    'rule, metrics, data hash, git commit) to --out (default models/anomaly, where anomaly-api picks it up without a ' +
    'restart), and checks PyTorch/ONNX parity. Options after `anomaly` go to the trainer: --dataset, --data, --out, ' +
    '--name, --exclude FILE (repeatable: never read, for leave-files-out evaluation), --arch auto|mean-shift|conv-ae, ' +
    '--horizons, --cold-start, --epochs, --seed, --machine-type, --quiet.',
  options: [],
  examples: [
    `${BIN} train anomaly --dataset skab --data ../shared/datasets/skab/data --name skab`,
    `${BIN} train anomaly --dataset skab --data ../shared/datasets/skab/data --exclude valve1/0.csv --out /tmp/fold0`,
  ],
  run: runTrain,
};
