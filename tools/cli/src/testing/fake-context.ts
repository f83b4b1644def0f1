import { EventEmitter } from 'node:events';
import type { CommandContext } from '../command';
import { readCliConfig } from '../config';

export interface FakeContext {
  ctx: CommandContext;
  stdout(): string;
  stderr(): string;
  /** Log lines written through ctx.logDestination, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** Emits a signal on the fake process. */
  signals: EventEmitter;
  exits: number[];
}

/** A CommandContext that records what a command printed, with a fake signal source and environment. */
export function createFakeContext(
  options: { env?: Record<string, string>; repoRoot?: string } = {},
): FakeContext {
  let out = '';
  let err = '';
  const logLines: string[] = [];
  const signals = new EventEmitter();
  const exits: number[] = [];
  const ctx: CommandContext = {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    repoRoot: options.repoRoot ?? '/nonexistent-repo',
    version: '9.9.9-test',
    loadConfig: () => readCliConfig(options.env ?? {}),
    signals,
    logDestination: { write: (line: string) => void logLines.push(line) },
    exit: (code) => void exits.push(code),
  };
  return {
    ctx,
    stdout: () => out,
    stderr: () => err,
    logs: () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>),
    signals,
    exits,
  };
}
