import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';
import { listBenches } from './bench';

let root: string;

function addBench(
  name: string,
  main?: string,
  pkg: object | string = { name: `@x/bench-${name}`, description: `the ${name} bench` },
) {
  const dir = join(root, 'bench', name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
  if (main !== undefined) writeFileSync(join(dir, 'dist', 'main.js'), main);
}

// The fake bench records its arguments next to itself and exits with the code given as its first argument.
const RECORDING_BENCH = `
require('fs').writeFileSync(require('path').join(__dirname, 'args.json'), JSON.stringify(process.argv.slice(2)));
process.exit(Number(process.argv[2] ?? 0));
`;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'im-cli-bench-'));
  addBench('fake', RECORDING_BENCH);
  addBench('unbuilt');
  addBench('broken', RECORDING_BENCH, '{ not json');
  mkdirSync(join(root, 'bench', 'not-a-package'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function run(argv: string[]) {
  const fake = createFakeContext({ repoRoot: root });
  const code = await runCli(argv, fake.ctx);
  return { code, stdout: fake.stdout(), stderr: fake.stderr(), fake };
}

describe(listBenches.name, () => {
  it('lists the folders of bench/ that hold a package, sorted, with their build state', () => {
    expect(listBenches(root).map((b) => [b.name, b.isBuilt, b.packageName])).toEqual([
      ['broken', true, 'bench/broken'],
      ['fake', true, '@x/bench-fake'],
      ['unbuilt', false, '@x/bench-unbuilt'],
    ]);
  });

  it('returns nothing when there is no bench folder', () => {
    expect(listBenches(join(root, 'nowhere'))).toEqual([]);
  });
});

describe('industrialmind bench', () => {
  it('runs bench/<name>/dist/main.js with the remaining arguments untouched and returns its exit code', async () => {
    const sut = await run(['bench', 'fake', '3', '--messages', '10', '--help']);
    expect(sut.code).toBe(3);
    expect(JSON.parse(readFileSync(join(root, 'bench', 'fake', 'dist', 'args.json'), 'utf8'))).toEqual([
      '3',
      '--messages',
      '10',
      '--help',
    ]);
    expect(sut.fake.signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('passes SIGTERM on to the bench and reports 128 + the signal number', async () => {
    addBench('slow', 'setTimeout(() => {}, 60_000);');
    const fake = createFakeContext({ repoRoot: root });
    const running = runCli(['bench', 'slow'], fake.ctx);
    await new Promise((resolve) => setTimeout(resolve, 300));
    fake.signals.emit('SIGINT'); // from the terminal: the child gets it itself, the CLI just waits
    fake.signals.emit('SIGTERM');
    expect(await running).toBe(128 + 15);
  });

  it('lists the benches with --list and in its help', async () => {
    const list = await run(['bench', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/fake +built +the fake bench/);
    expect(list.stdout).toMatch(/unbuilt +not built/);
    expect((await run(['bench', '--help'])).stdout).toMatch(/Benches \(bench\/<name>\):\n {2}broken/);
  });

  it('says when there are no benches', async () => {
    rmSync(join(root, 'bench'), { recursive: true });
    expect((await run(['bench', '--list'])).stdout).toBe('Benches: none found under bench/\n');
    expect((await run(['bench'])).stderr).toContain('missing bench name (no benches found under bench/)');
  });

  it('rejects a missing or unknown bench with the available ones, exit 2', async () => {
    const missing = await run(['bench']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing bench name (available: broken, fake, unbuilt)');
    const unknown = await run(['bench', 'fak']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown bench "fak" (available: broken, fake, unbuilt). Did you mean "fake"?',
    );
    expect(unknown.stderr).toContain('Usage: industrialmind bench');
  });

  it('refuses a path instead of a name', async () => {
    const sut = await run(['bench', '../fake']);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('unknown bench "../fake"');
  });

  it('rejects an unknown option before the name, exit 2', async () => {
    const sut = await run(['bench', '--fast', 'fake']);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('unknown option --fast');
  });

  it('tells how to build a bench that is not built, exit 1', async () => {
    const sut = await run(['bench', 'unbuilt']);
    expect(sut.code).toBe(1);
    expect(sut.stderr).toContain('bench "unbuilt" is not built');
    expect(sut.stderr).toContain('pnpm turbo run build --filter @x/bench-unbuilt...');
  });
});
