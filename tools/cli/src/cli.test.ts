import { COMMANDS, readVersion, runCli } from './cli';
import { createFakeContext } from './testing/fake-context';

async function run(argv: string[], options: Parameters<typeof createFakeContext>[0] = {}) {
  const fake = createFakeContext(options);
  const code = await runCli(argv, fake.ctx);
  return { code, stdout: fake.stdout(), stderr: fake.stderr(), fake };
}

describe(runCli.name, () => {
  it('lists every command with a one-line description on --help', async () => {
    const sut = await run(['--help']);
    expect(sut.code).toBe(0);
    for (const command of COMMANDS) {
      expect(sut.stdout).toMatch(new RegExp(`^  ${command.name} +${command.summary}$`, 'm'));
    }
    expect(sut.stderr).toBe('');
  });

  it('prints the version', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: '9.9.9-test\n' });
    expect(await run(['-V'])).toMatchObject({ code: 0, stdout: '9.9.9-test\n' });
  });

  it.each(COMMANDS.map((c) => c.name))(
    'prints usage, options with defaults and an example for "%s --help"',
    async (name) => {
      const sut = await run([name, '--help']);
      expect(sut.code).toBe(0);
      expect(sut.stdout).toContain(`Usage: industrialmind ${name}`);
      expect(sut.stdout).toContain('Options:');
      expect(sut.stdout).toContain('-h, --help');
      expect(sut.stdout).toMatch(/Examples:\n {2}industrialmind /);
    },
  );

  it('shows the defaults of the demo options', async () => {
    const sut = await run(['demo', '--help']);
    expect(sut.stdout).toMatch(/--machines N +.*\(default: 20\)/);
    expect(sut.stdout).toMatch(/--rate R +.*\(default: 2000\)/);
    expect(sut.stdout).toMatch(/--duration SEC +.*\(default: run until Ctrl-C or SIGTERM\)/);
    expect(sut.stdout).toMatch(/--port P +.*\(default: 8082\)/);
    expect(sut.stdout).toMatch(/--bad-every N +.*\(default: 1000\)/);
  });

  it('rejects an unknown command with a suggestion and the usage, exit 2', async () => {
    const sut = await run(['dmeo']);
    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain('industrialmind: unknown command "dmeo" (did you mean demo?)');
    expect(sut.stderr).toContain('Usage: industrialmind <command> [options]');
    expect(sut.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a missing command and an unknown top-level option, exit 2', async () => {
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('missing command') });
    expect(await run(['--verbose'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown option --verbose'),
    });
  });

  it('rejects an unknown command option with the command usage, exit 2', async () => {
    const sut = await run(['demo', '--machnes', '5']);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('industrialmind demo: unknown option --machnes (did you mean --machines?)');
    expect(sut.stderr).toContain('Usage: industrialmind demo [options]');
    expect(sut.stderr).toContain("Run 'industrialmind demo --help'");
  });

  it.each([
    [['--machines', '0'], '--machines must be an integer from 1 to 10000, got "0"'],
    [['--rate', 'fast'], '--rate must be a number above 0'],
    [['--duration', '-1'], '--duration needs a value (write --duration=VALUE'],
    [['--duration=-1'], '--duration must be a number above 0'],
    [['--profile', 'medium'], '--profile must be lite'],
    [['--seed', '1.5'], '--seed must be an integer'],
    [['--bad-every=-3'], '--bad-every must be an integer from 0'],
    [['--duration'], '--duration needs a value'],
    [['extra'], 'unexpected argument: extra'],
  ])('rejects demo %j, exit 2', async (args, message) => {
    const sut = await run(['demo', ...args]);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain(message);
  });

  it('reports a bad environment with every problem, exit 2', async () => {
    const sut = await run(['demo', '--duration', '1'], { env: { LOG_LEVEL: 'loud' } });
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('invalid configuration (1 problem)');
    expect(sut.stderr).toContain('LOG_LEVEL="loud"');
  });

  it('asks for KAFKA_BROKERS when the full profile has none, exit 2', async () => {
    const sut = await run(['replay', '--dataset', 'skab', '--path', '.', '--profile', 'full']);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('--profile full needs KAFKA_BROKERS');
  });

  it('turns an unexpected failure into one line, exit 1', async () => {
    const fake = createFakeContext();
    fake.ctx.loadConfig = () => {
      throw new TypeError('boom');
    };
    expect(await runCli(['demo'], fake.ctx)).toBe(1);
    expect(fake.stderr()).toBe('industrialmind demo: failed: TypeError: boom\n');
  });

  describe('help command', () => {
    it('prints the command list or one command help', async () => {
      expect((await run(['help'])).stdout).toContain('Commands:');
      expect((await run(['help', 'demo'])).stdout).toContain('Usage: industrialmind demo [options]');
    });

    it('rejects an unknown command name, exit 2', async () => {
      const sut = await run(['help', 'demoo']);
      expect(sut.code).toBe(2);
      expect(sut.stderr).toContain('unknown command "demoo" (did you mean demo?)');
    });
  });
});

describe(readVersion.name, () => {
  it('reads the package version', () => {
    expect(readVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
