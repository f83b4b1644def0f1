import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { z } from 'zod';
import { ModelMetadataBaseSchema, parseModelMetadata, readModelMetadata } from './metadata';
import { createModelDirectory, type ModelDirectory } from './model-directory';
import { loadOnnxModel } from './session';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');
const Schema = ModelMetadataBaseSchema.extend({ machine_type: z.string() });
type Meta = z.infer<typeof Schema>;
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'tiny.json'), 'utf8')) as Record<string, unknown>;

describe(loadOnnxModel.name, () => {
  it('runs a float32 batch and returns every output by name', async () => {
    const sut = await loadOnnxModel(join(FIXTURES, 'tiny.onnx'));
    expect(sut.inputNames).toEqual(['window']);
    // window [1, 4, 2]: flow mean of the last 2 rows = 3, pressure = 2 (weights 1 and 0.5).
    const out = await sut.run('window', Float32Array.from([0, 0, 0, 0, 2, 2, 4, 2]), [1, 4, 2]);
    expect(Array.from(out.contributions!.data)).toEqual([9, 2]);
    expect(Array.from(out.score!.data)).toEqual([11]);
    expect(out.contributions!.dims).toEqual([1, 2]);
    await sut.close();
    await expect(sut.run('window', new Float32Array(8), [1, 4, 2])).rejects.toBeInstanceOf(AppError);
  });

  it('rejects a file that is not an ONNX model', async () => {
    const err = await loadOnnxModel(join(FIXTURES, 'tiny.json')).catch((e: unknown) => e);
    expect((err as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe(parseModelMetadata.name, () => {
  it('names every bad field', () => {
    const err = (() => {
      try {
        parseModelMetadata({ ...fixture, onnx_file: '../x.onnx', channels: [] }, Schema);
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err?.code).toBe(ErrorCode.VALIDATION_FAILED);
    const paths = (err?.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['onnx_file', 'channels']));
  });

  it('reports unreadable JSON as a validation failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mr-'));
    writeFileSync(join(dir, 'bad.json'), '{');
    await expect(readModelMetadata(join(dir, 'bad.json'), Schema)).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
    });
    rmSync(dir, { recursive: true });
  });
});

describe(createModelDirectory.name, () => {
  let dir: string;
  let sut: ModelDirectory<Meta>;
  const t0 = Date.now() / 1000 - 100;

  function writeModel(name: string, version: string, machineType: string, mtime: number, extra = {}) {
    copyFileSync(join(FIXTURES, 'tiny.onnx'), join(dir, `${name}.onnx`));
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        ...fixture,
        onnx_file: `${name}.onnx`,
        model_version: version,
        machine_type: machineType,
        ...extra,
      }),
    );
    utimesSync(path, mtime, mtime);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-dir-'));
    sut = createModelDirectory({
      dir,
      task: 'anomaly',
      schema: Schema,
      pollMs: 0,
      keyOf: (m) => m.machine_type,
    });
  });
  afterEach(async () => {
    await sut.close();
    rmSync(dir, { recursive: true });
  });

  it('fails with NOT_FOUND when the folder holds no model', async () => {
    await expect(sut.start()).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('serves the newest model per key and swaps in a newer one without a restart', async () => {
    writeModel('a1', 'a@1', 'pump', t0);
    writeModel('a0', 'a@0', 'pump', t0 - 10);
    writeModel('b1', 'b@1', 'mill', t0);
    await sut.start();
    expect(sut.get('pump')!.metadata.model_version).toBe('a@1');
    expect(sut.get('mill')!.metadata.model_version).toBe('b@1');
    const swaps: string[] = [];
    sut.onChange((key, next, previous) =>
      swaps.push(`${key}:${previous?.metadata.model_version}->${next.metadata.model_version}`),
    );
    expect(await sut.refresh()).toBe(0);
    writeModel('a2', 'a@2', 'pump', t0 + 10);
    expect(await sut.refresh()).toBe(1);
    expect(swaps).toEqual(['pump:a@1->a@2']);
    const out = await sut.get('pump')!.onnx.run('window', new Float32Array(8), [1, 4, 2]);
    expect(out.score!.data[0]).toBe(0);
  });

  it('keeps the served model when a newer one is broken or for another task', async () => {
    writeModel('a1', 'a@1', 'pump', t0);
    await sut.start();
    writeFileSync(join(dir, 'a2.json'), '{"half": ');
    utimesSync(join(dir, 'a2.json'), t0 + 10, t0 + 10);
    writeModel('a3', 'a@3', 'pump', t0 + 20, { onnx_file: 'missing.onnx' });
    writeModel('r1', 'r@1', 'pump', t0 + 30, { task: 'rul' });
    writeModel('a4', 'a@4', 'pump', t0 + 40, { input: { name: 'other', window: 4 } });
    expect(await sut.refresh()).toBe(0);
    expect(sut.get('pump')!.metadata.model_version).toBe('a@1');
    expect(sut.all().size).toBe(1);
  });

  it('polls the folder when pollMs > 0', async () => {
    const polling = createModelDirectory({ dir, task: 'anomaly', schema: Schema, pollMs: 20 });
    writeModel('a1', 'a@1', 'pump', t0);
    await polling.start();
    writeModel('a2', 'a@2', 'pump', t0 + 10);
    const deadline = Date.now() + 5000;
    while (polling.get('default')!.metadata.model_version !== 'a@2' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(polling.get('default')!.metadata.model_version).toBe('a@2');
    await polling.close();
  });
});
