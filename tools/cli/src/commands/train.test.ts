import { runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';

// Training itself runs PyTorch: the trainer's own tests (unittest, run by make test) cover it. Here: the CLI side.
describe('train', () => {
  it('shows help naming the trainer options', async () => {
    const fake = createFakeContext();
    expect(await runCli(['train', '--help'], fake.ctx)).toBe(0);
    expect(fake.stdout()).toContain('Usage: industrialmind train anomaly');
    expect(fake.stdout()).toContain('--exclude');
  });

  it('refuses an unknown task', async () => {
    const fake = createFakeContext();
    expect(await runCli(['train', 'rocket'], fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain('the task must be "anomaly"');
  });

  it('reports a missing trainer setup as a failure, not a crash', async () => {
    const fake = createFakeContext({ repoRoot: '/nonexistent-repo' });
    expect(await runCli(['train', 'anomaly', '--dataset', 'skab'], fake.ctx)).toBe(1);
    expect(fake.stderr()).toContain('trainer virtualenv');
  });
});
