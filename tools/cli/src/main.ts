#!/usr/bin/env node
// Entry point of bin/industrialmind: wires the real process into runCli and sets the exit code.
import { EXIT, REPO_ROOT, readVersion, runCli } from './cli';
import { readCliConfig } from './config';

process.on('uncaughtException', (err) => {
  process.stderr.write(`industrialmind: unexpected error: ${err.message}\n`);
  process.exit(EXIT.failed);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `industrialmind: unexpected error: ${reason instanceof Error ? reason.message : String(reason)}\n`,
  );
  process.exit(EXIT.failed);
});
// A closed pipe (`industrialmind demo | head`) is not an error worth a message.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
});

void runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  repoRoot: REPO_ROOT,
  version: readVersion(),
  loadConfig: () => readCliConfig(),
  signals: process,
  logDestination: process.stderr,
  exit: (code) => process.exit(code),
}).then((code) => {
  process.exitCode = code;
  // Whatever a library left open (a socket, a timer) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 2_000).unref();
});
