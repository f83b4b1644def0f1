import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { writeSimulatorRulData } from './rul-simulator-data';

/** The simulated fleet `train rul --subset simulator` learns from: 40 machines per type, a reading every 20 min. */
export const SIMULATOR_TRAINING_FLEET = {
  machines: 160,
  seed: 11,
  sampleMinutes: 20,
  maxHours: 1500,
} as const;

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

/** Where each task's Python module lives, relative to the trainer folder. */
const TASKS: Record<string, { module: string; venvScript: string }> = {
  rul: {
    module: 'industrialmind_trainer.rul.train',
    venvScript: 'industrialmind_trainer/rul/ensure-venv.sh',
  },
};

function runProcess(
  cmd: string,
  args: readonly string[],
  cwd: string,
  capture: boolean,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // `python -m` puts the working directory (the trainer folder) on sys.path.
    const child = spawn(cmd, [...args], {
      cwd,
      stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) => resolve({ code: 127, out: String(err) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model in the Python trainer: train rul --subset FD001',
  synopsis: 'train rul --subset FD001|FD002|FD003|FD004|simulator [trainer options]',
  description:
    'Runs services/trainer-orchestrator/trainer in its venv (~/.cache/industrialmind/venv-trainer, created from ' +
    'PyPI on first use). rul: trains a CNN ensemble and a transformer on C-MAPSS (or the simulator fleet), ' +
    'chooses by validation on held-out engines, calibrates a 90 % interval and writes <name>.onnx/.json/.pt to ' +
    '--out (default services/rul-api/models, which rul-api reloads without a restart). Every option after the ' +
    'task goes to the trainer; `train rul --help` lists them.',
  options: [],
  examples: [
    `${BIN} train rul --subset FD001`,
    `${BIN} train rul --subset FD004 --epochs 25 --members 3 --window 50`,
  ],
  async run(argv, ctx) {
    const [task, ...rest] = argv;
    if (task === '--help' || task === '-h') {
      ctx.stdout(renderCommandHelp(trainCommand, ctx));
      return 0;
    }
    const spec = task === undefined ? undefined : TASKS[task];
    if (!spec) throw new UsageError(`expected a task: ${Object.keys(TASKS).join(', ')}`, 'train');
    const trainerDir = join(ctx.repoRoot, 'services', 'trainer-orchestrator', 'trainer');
    const venv = await runProcess(join(trainerDir, spec.venvScript), [], trainerDir, true);
    if (venv.code !== 0) {
      ctx.stderr(`train ${task}: the trainer venv could not be prepared (exit ${venv.code})\n`);
      return 1;
    }
    const python = venv.out.trim().split('\n').pop()!;
    const hasOut = rest.some((a) => a === '--out' || a.startsWith('--out='));
    const args = ['-m', spec.module, ...rest];
    const subsetAt = rest.indexOf('--subset');
    const isSimulator =
      rest.includes('--subset=simulator') || (subsetAt >= 0 && rest[subsetAt + 1] === 'simulator');
    if (task === 'rul' && isSimulator && !rest.includes('--data'))
      args.push('--data', await simulatorData(ctx));
    if (!hasOut && !rest.includes('--help') && !rest.includes('-h'))
      args.push('--out', join(ctx.repoRoot, 'services', 'rul-api', 'models'));
    const run = await runProcess(python, args, trainerDir, false);
    return run.code === 0 ? 0 : run.code === 2 ? 2 : 1;
  },
};
