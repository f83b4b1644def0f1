import { parseArgs } from 'node:util';

/** A command-line mistake: the CLI prints the message and the command's usage to stderr and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to print; undefined for the top level. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One `--option` of a command, as parsed and as shown in its help. */
export interface OptionSpec {
  /** Long name without dashes: `machines` for `--machines`. */
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** The option may be given more than once; its value is then a list. */
  multiple?: boolean;
  /** Placeholder for the value in help (`N`, `SEC`); string options only. */
  valueName?: string;
  description: string;
  /** The default as shown in help (`20`, `until Ctrl-C`); parsing applies defaults itself. */
  defaultText?: string;
}

/** What a command receives after parsing: option values by long name and the positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export const HELP_OPTION: OptionSpec = {
  name: 'help',
  short: 'h',
  type: 'boolean',
  description: 'show this help',
};

/**
 * Parses a command's arguments strictly with node:util parseArgs and turns its errors (unknown option, missing
 * value, stray positional) into a {@link UsageError} in our words, so the user never sees a stack trace.
 */
export function parseCommandArgs(
  command: string,
  options: readonly OptionSpec[],
  argv: readonly string[],
  { maxPositionals = 0 }: { maxPositionals?: number } = {},
): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const option of [...options, HELP_OPTION]) {
    config[option.name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(describeParseError(err, options), command);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals);
    throw new UsageError(`unexpected argument${extra.length === 1 ? '' : 's'}: ${extra.join(' ')}`, command);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

function describeParseError(err: unknown, options: readonly OptionSpec[]): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // node's text: "Unknown option '--foo'. To specify a positional argument starting with a '-', ..."
    const name = /'([^']+)'/.exec(message)?.[1] ?? message;
    const guess = closest(
      name.replace(/^-+/, ''),
      options.map((o) => o.name),
    );
    return `unknown option ${name}${guess === undefined ? '' : ` (did you mean --${guess}?)`}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '--m <value>' argument missing", "Option '--m' argument is ambiguous" (the value starts with a
    // dash) or "Option '--json' does not take an argument".
    const name = /'(-[^' ]+)/.exec(message)?.[1] ?? 'option';
    if (message.includes('argument missing')) return `${name} needs a value`;
    if (message.includes('ambiguous'))
      return `${name} needs a value (write ${name}=VALUE for one starting with -)`;
    return `${name} takes no value`;
  }
  return message;
}

/** The closest candidate within edit distance 2, for "did you mean" hints. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(input, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Reads an integer option; `undefined` when absent. */
export function intOption(
  command: string,
  name: string,
  text: string | boolean | string[] | undefined,
  { min, max }: { min: number; max: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = typeof text === 'string' && /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
      command,
    );
  }
  return value;
}

/** Reads a number option that must be greater than zero; `undefined` when absent. */
export function positiveNumberOption(
  command: string,
  name: string,
  text: string | boolean | string[] | undefined,
  { max }: { max: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = typeof text === 'string' && /^\d*\.?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new UsageError(
      `--${name} must be a number above 0 and at most ${max}, got ${JSON.stringify(text)}`,
      command,
    );
  }
  return value;
}

/** Reads an option restricted to a few words; `undefined` when absent. */
export function choiceOption<const T extends string>(
  command: string,
  name: string,
  text: string | boolean | string[] | undefined,
  choices: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'string' && (choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(
    `--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`,
    command,
  );
}
