import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, describeError, isAppError } from '@industrialmind/errors';
import { UsageError, closest } from './args';
import { BIN, renderTopHelp, renderUsageHint, type Command, type CommandContext } from './command';
import { benchCommand } from './commands/bench';
import { demoCommand } from './commands/demo';
import { evalCommand } from './commands/eval';
import { createHelpCommand } from './commands/help';
import { replayCommand } from './commands/replay';
import { simulateCommand } from './commands/simulate';
import { trainCommand } from './commands/train';

/** Exit codes: 0 done, 1 the work failed, 2 the command line (or environment) was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const COMMANDS: readonly Command[] = [
  demoCommand,
  simulateCommand,
  replayCommand,
  trainCommand,
  evalCommand,
  benchCommand,
  createHelpCommand(() => COMMANDS),
];

// This file compiles to tools/cli/dist/cli.js and runs from tools/cli/src/cli.ts in tests: both sit two levels
// below tools/cli, three below the repository root.
export const PACKAGE_DIR = resolve(__dirname, '..');
export const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');

export function readVersion(packageDir: string = PACKAGE_DIR): string {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * Runs one command line and resolves with the exit code. Never throws: a usage mistake prints the error and the
 * usage to stderr (exit 2), any other failure prints one line to stderr (exit 1), never a stack trace.
 */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (first === undefined) throw new UsageError('missing command');
    if (first === '--help' || first === '-h') {
      ctx.stdout(renderTopHelp(COMMANDS));
      return EXIT.ok;
    }
    if (first === '--version' || first === '-V') {
      ctx.stdout(`${ctx.version}\n`);
      return EXIT.ok;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}`);
    command = COMMANDS.find((c) => c.name === first);
    if (command === undefined) {
      const guess = closest(
        first,
        COMMANDS.map((c) => c.name),
      );
      throw new UsageError(
        `unknown command "${first}"${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
      );
    }
    return await command.run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      const target = err.command === undefined ? undefined : COMMANDS.find((c) => c.name === err.command);
      const prefix = target === undefined ? BIN : `${BIN} ${target.name}`;
      ctx.stderr(`${prefix}: ${err.message}\n\n${renderUsageHint(target)}`);
      return EXIT.usage;
    }
    if (isAppError(err) && err.code === ErrorCode.CONFIG_INVALID) {
      ctx.stderr(`${BIN}: ${err.message}\n`);
      return EXIT.usage;
    }
    ctx.stderr(`${BIN}${command ? ` ${command.name}` : ''}: failed: ${describeError(err)}\n`);
    return EXIT.failed;
  }
}
