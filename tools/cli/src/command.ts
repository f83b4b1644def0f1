import type { CliConfig } from './config';
import { HELP_OPTION, type OptionSpec } from './args';

/** Where a signal comes from: `process` in the CLI, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** A sink for log lines (pino's DestinationStream shape). */
export interface LineSink {
  write(text: string): unknown;
}

/** Everything a command may touch outside its arguments, injected so tests run commands in-process. */
export interface CommandContext {
  /** Writes text to stdout as is (commands add the newline). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** The repository root (bench/ lives under it). */
  repoRoot: string;
  version: string;
  /** Parses the environment; called only by commands that need it, so `--help` works with any environment. */
  loadConfig(): CliConfig;
  signals: SignalSource;
  /** Where pino writes; stderr in the CLI so that stdout stays a clean table. */
  logDestination: LineSink;
  /** Ends the process at once (second Ctrl-C). */
  exit(code: number): void;
}

/** One `industrialmind <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis after `industrialmind `: `demo [options]`. */
  synopsis: string;
  /** A paragraph for `<name> --help`. */
  description: string;
  options: readonly OptionSpec[];
  /** Extra help sections (e.g. the list of benches), computed when help is shown. */
  extraHelp?: (ctx: CommandContext) => string;
  examples: readonly string[];
  /** Runs the command; resolves with the exit code. Throws UsageError for argument mistakes. */
  run(argv: readonly string[], ctx: CommandContext): Promise<number>;
}

export const BIN = 'industrialmind';

function optionLabel(option: OptionSpec): string {
  const long = `--${option.name}${option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : `    ${long}`;
}

/** `<name> --help`: usage, description, options with their defaults, examples. */
export function renderCommandHelp(command: Command, ctx: CommandContext): string {
  const options = [...command.options, HELP_OPTION];
  const labels = options.map(optionLabel);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const lines = [
    `Usage: ${BIN} ${command.synopsis}`,
    '',
    command.description,
    '',
    'Options:',
    ...options.map((option, i) => {
      const suffix = option.defaultText === undefined ? '' : ` (default: ${option.defaultText})`;
      return `  ${labels[i]!.padEnd(width)}${option.description}${suffix}`;
    }),
  ];
  const extra = command.extraHelp?.(ctx);
  if (extra) lines.push('', extra);
  lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** The short usage printed under an error. */
export function renderUsageHint(command: Command | undefined): string {
  if (command === undefined)
    return `Usage: ${BIN} <command> [options]\nRun '${BIN} --help' for the list of commands.\n`;
  return `Usage: ${BIN} ${command.synopsis}\nRun '${BIN} ${command.name} --help' for options and examples.\n`;
}

/** `industrialmind --help`: every command with its one-line summary. */
export function renderTopHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return [
    `${BIN}: the IndustrialMind project CLI`,
    '',
    `Usage: ${BIN} <command> [options]`,
    `       ${BIN} <command> --help`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  -V, --version  print the version',
    '',
    'Environment:',
    '  LOG_LEVEL      log level of the JSON logs on stderr (default: warn)',
    '  KAFKA_BROKERS  Kafka bootstrap servers, comma-separated (needed by simulate and replay --profile full)',
    '',
    `Example: ${BIN} demo --duration 10`,
    '',
  ].join('\n');
}
