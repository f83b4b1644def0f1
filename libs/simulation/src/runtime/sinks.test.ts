import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@industrialmind/errors';
import { createFleet } from '../fleet';
import { createRecordingPublisher } from '../testing';
import { combineSinks, createBusSink, createJsonlSink } from './sinks';

const samples = createFleet({ size: 3, seed: 1, startMs: Date.parse('2024-05-06T08:00:00Z') }).generate(6);

describe(createBusSink.name, () => {
  it("publishes each machine's readings as one batch message and ground truth, keyed by machine_id", async () => {
    const publisher = createRecordingPublisher();
    const published: Array<[string, number, number]> = [];
    const sut = createBusSink({
      publisher,
      headers: { 'x-run': 'r1' },
      onPublished: (topic, count, _ms, records) => published.push([topic, count, records]),
    });

    const result = await sut.write(samples);

    expect(result).toEqual({ readings: 6, groundTruth: 6, invalid: 0 });
    const sent = publisher.values<{ reading_id: string; machine_id: string }>('sensor-readings');
    expect(sent.map((v) => v.reading_id).sort()).toEqual(samples.map((s) => s.reading!.reading_id).sort());
    for (const machine of new Set(samples.map((s) => s.reading!.machine_id))) {
      expect(sent.filter((v) => v.machine_id === machine).map((v) => v.reading_id)).toEqual(
        samples.filter((s) => s.reading!.machine_id === machine).map((s) => s.reading!.reading_id),
      );
    }
    expect(publisher.values('simulator-ground-truth')[0]).toEqual(samples[0]!.truth);
    for (const m of publisher.messages) {
      const value = JSON.parse(m.value.toString()) as { machine_id: string } | Array<{ machine_id: string }>;
      for (const v of Array.isArray(value) ? value : [value]) expect(v.machine_id).toBe(m.key);
    }
    expect(publisher.messages[0]!.headers).toEqual({ 'x-run': 'r1' });
    expect(published.sort()).toEqual([
      ['sensor-readings', 3, 6],
      ['simulator-ground-truth', 6, 6],
    ]);
  });

  it('sends one reading per message with maxReadingsPerMessage 1', async () => {
    const publisher = createRecordingPublisher();
    const sut = createBusSink({ publisher, groundTruthTopic: null, maxReadingsPerMessage: 1 });

    await sut.write(samples);

    expect(publisher.messages).toHaveLength(6);
    expect(publisher.messages.every((m) => !m.value.toString().startsWith('['))).toBe(true);
  });

  it('can leave out the ground truth and use other topics', async () => {
    const publisher = createRecordingPublisher();
    const sut = createBusSink({ publisher, groundTruthTopic: null, readingsTopic: 'replay-readings' });

    await sut.write(samples.slice(0, 2));

    expect(publisher.messages.map((m) => m.topic)).toEqual(['replay-readings', 'replay-readings']);
  });

  it('rejects a reading the contract refuses, or skips it and its ground truth when asked to', async () => {
    const bad = { ...samples[0]!, reading: { ...samples[0]!.reading!, readings: { temprature: 1 } } };
    const skipped: string[] = [];
    const strict = createBusSink({ publisher: createRecordingPublisher() });
    const lenient = createBusSink({
      publisher: createRecordingPublisher(),
      onInvalid: (r) => skipped.push(r.reading_id),
    });

    await expect(strict.write([bad])).rejects.toBeInstanceOf(AppError);
    expect(await lenient.write([bad, samples[1]!])).toEqual({ readings: 1, groundTruth: 1, invalid: 1 });
    expect(skipped).toEqual([bad.reading.reading_id]);
  });

  it('fails the write when the bus does', async () => {
    const publisher = createRecordingPublisher();
    publisher.failNext(1, new Error('broker down'));

    await expect(createBusSink({ publisher }).write(samples)).rejects.toThrow('broker down');
  });
});

describe(createJsonlSink.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'simulation-sinks-'));

  it('writes one JSON object per line and flushes on close', async () => {
    const path = join(dir, 'truth.jsonl');
    const sut = createJsonlSink(path, { content: 'ground-truth' });

    expect(await sut.write(samples)).toEqual({ readings: 0, groundTruth: 6, invalid: 0 });
    await sut.close!();
    await sut.close!();

    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.reading_id)).toEqual(samples.map((s) => s.truth.reading_id));
  });

  it('appends readings, skipping samples without one', async () => {
    const path = join(dir, 'readings.jsonl');
    const first = createJsonlSink(path, { content: 'readings' });
    await first.write(samples.slice(0, 1));
    await first.close!();
    const second = createJsonlSink(path, { content: 'readings', append: true });

    expect(await second.write([samples[1]!, { ...samples[2]!, reading: undefined }])).toEqual({
      readings: 1,
      groundTruth: 0,
      invalid: 0,
    });
    await second.close!();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('reports a file that cannot be written', async () => {
    const sut = createJsonlSink(join(dir, 'missing', 'x.jsonl'), { content: 'readings' });

    await expect(sut.write(samples)).rejects.toThrow(/ENOENT/);
  });
});

describe(combineSinks.name, () => {
  it('writes to every sink and adds up the counts', async () => {
    const a = createRecordingPublisher();
    const b = createRecordingPublisher();
    const closed: string[] = [];
    const sut = combineSinks(createBusSink({ publisher: a, groundTruthTopic: null }), {
      ...createBusSink({ publisher: b }),
      close: async () => void closed.push('b'),
    });

    expect(await sut.write(samples.slice(0, 2))).toEqual({ readings: 4, groundTruth: 2, invalid: 0 });
    await sut.close!();
    expect(closed).toEqual(['b']);
  });
});
