import { copyFile, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { waitFor } from '@industrialmind/testing';
import { readRulMetadata } from './model';
import { RulModelFolder } from './model-folder';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');

describe(RulModelFolder.name, () => {
  let dir: string;
  let sut: RulModelFolder;
  const captured = createCapturedLogger();

  async function install(name: string, patch: Record<string, unknown> = {}): Promise<void> {
    const meta = JSON.parse(await readFile(join(FIXTURES, 'rul-fixture.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await copyFile(join(FIXTURES, 'rul-fixture.onnx'), join(dir, `${name}.onnx`));
    await writeFile(
      join(dir, `${name}.json`),
      JSON.stringify({ ...meta, name, onnx_file: `${name}.onnx`, ...patch }),
    );
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rul-models-'));
    sut = new RulModelFolder({ dir, logger: captured.logger, pollMs: 20, releaseDelayMs: 10 });
  });
  afterEach(async () => {
    await sut.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every model of the folder and selects by machine type and id pattern', async () => {
    await install('b-mill', { machine_id_pattern: '^mill-' });
    await install('a-pump', { machine_type: 'centrifugal-pump', machine_id_pattern: '.*' });
    const changes = await sut.refresh();
    expect(changes.map((c) => c.type)).toEqual(['loaded', 'loaded']);
    expect(sut.list().map((m) => m.metadata.name)).toEqual(['a-pump', 'b-mill']);
    expect(sut.select('cnc-mill', 'mill-7')?.metadata.name).toBe('b-mill');
    expect(sut.select('cnc-mill', 'lathe-1')).toBeUndefined();
    expect(sut.select('cnc-mill')?.metadata.name).toBe('b-mill');
    expect(sut.select('centrifugal-pump', 'anything')?.metadata.name).toBe('a-pump');
    expect(sut.byName('a-pump')?.metadata.machine_type).toBe('centrifugal-pump');
  });

  it('picks up a new model version without a restart and drops a removed one', async () => {
    await install('m', { model_version: 'm@1' });
    sut.start();
    await waitFor(() => sut.byName('m')?.metadata.model_version === 'm@1');
    await install('m', { model_version: 'm@2' });
    // Make sure the signature changes even on a coarse-mtime file system.
    const later = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'm.json'), later, later);
    await waitFor(() => sut.byName('m')?.metadata.model_version === 'm@2');
    await rm(join(dir, 'm.json'));
    await waitFor(() => sut.list().length === 0);
  });

  it('keeps serving the previous model when a new version fails to load', async () => {
    await install('m', { model_version: 'm@1' });
    await sut.refresh();
    await writeFile(join(dir, 'm.json'), '{"name": "m", "task": "rul"');
    const later = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'm.json'), later, later);
    const changes = await sut.refresh();
    expect(changes).toEqual([expect.objectContaining({ type: 'failed', file: 'm.json' })]);
    expect(sut.byName('m')?.metadata.model_version).toBe('m@1');
    expect(captured.lines().some((l) => l.event === 'rul.model.load_failed')).toBe(true);
  });

  it('reports invalid metadata with the field at fault', async () => {
    await install('bad', { window: 0 });
    await expect(readRulMetadata(join(dir, 'bad.json'))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'window' })],
    });
    expect(await sut.refresh()).toEqual([expect.objectContaining({ type: 'failed' })]);
  });

  it('treats an invalid id pattern as matching nothing', async () => {
    await install('m', { machine_id_pattern: '([' });
    await sut.refresh();
    expect(sut.select('cnc-mill', 'mill-1')).toBeUndefined();
  });
});
