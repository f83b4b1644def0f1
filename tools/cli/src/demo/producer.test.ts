import { createDefaultMachineTypeRegistry, parseSensorReading } from '@industrialmind/contracts';
import type { OutgoingMessage } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { createFleetProducer, type FleetProducerOptions } from './producer';
import { createReadingGenerator } from './reading-generator';

const machineTypes = createDefaultMachineTypeRegistry();

function setup(overrides: Partial<FleetProducerOptions> = {}) {
  const batches: OutgoingMessage[][] = [];
  const captured = createCapturedLogger();
  const sut = createFleetProducer({
    bus: { publish: async (_topic, messages) => void batches.push(messages) },
    topic: 'sensor-readings',
    generator: createReadingGenerator({ machines: 4, seed: 1, runId: 'r' }),
    machineTypes,
    ratePerSec: 1000,
    badEvery: 0,
    headers: { 'x-demo-run': 'r' },
    logger: captured.logger,
    ...overrides,
  });
  return { sut, batches, captured };
}

describe(createFleetProducer.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('publishes the target rate in small timer-driven batches, keyed by machine_id', async () => {
    const { sut, batches } = setup();
    sut.start();
    await jest.advanceTimersByTimeAsync(1000);
    await sut.stop();
    expect(sut.produced).toBe(1000);
    expect(batches).toHaveLength(20);
    expect(batches.every((b) => b.length === 50)).toBe(true);
    for (const m of batches.flat()) {
      const result = parseSensorReading(m.value, { machineTypes });
      expect(result.ok && result.value.machine_id === m.key).toBe(true);
      expect(m.headers).toEqual({ 'x-demo-run': 'r' });
    }
  });

  it('makes every Nth message malformed', async () => {
    const { sut, batches } = setup({ badEvery: 100 });
    sut.start();
    await jest.advanceTimersByTimeAsync(1000);
    await sut.stop();
    const invalid = batches.flat().filter((m) => !parseSensorReading(m.value, { machineTypes }).ok);
    expect(invalid).toHaveLength(10);
    expect(sut.malformed).toBe(10);
  });

  it('keeps low rates exact by carrying fractions between ticks', async () => {
    const { sut } = setup({ ratePerSec: 3 });
    sut.start();
    await jest.advanceTimersByTimeAsync(2000);
    await sut.stop();
    expect(sut.produced).toBe(6);
  });

  it('does not burst after a stall: at most one second of readings, in batches of at most maxBatch', async () => {
    let now = 0;
    const { sut, batches } = setup({ clock: () => now, maxBatch: 300 });
    sut.start();
    now = 10_000; // ten seconds pass in one tick; the clock then stands still
    await jest.advanceTimersByTimeAsync(500);
    await sut.stop();
    expect(batches.map((b) => b.length)).toEqual([300, 300, 300, 100]);
  });

  it('counts only acknowledged messages and warns once when publishing fails', async () => {
    const { sut, captured } = setup({
      bus: {
        publish: async () => {
          throw new Error('broker down');
        },
      },
    });
    sut.start();
    await jest.advanceTimersByTimeAsync(500);
    await sut.stop();
    expect(sut.produced).toBe(0);
    expect(captured.lines().filter((l) => l.msg === 'publish failed')).toHaveLength(1);
  });

  it('logs a failing tick and keeps going', async () => {
    const generator = createReadingGenerator({ machines: 1, seed: 1, runId: 'r' });
    const { sut, captured } = setup({
      generator: { ...generator, next: () => ({ ...generator.next(0), machine_type: 'unknown-type' }) },
    });
    sut.start();
    await jest.advanceTimersByTimeAsync(200);
    await sut.stop();
    expect(captured.find('producer tick failed')).toMatchObject({ level: 'error' });
    expect(captured.lines().filter((l) => l.msg === 'producer tick failed').length).toBeGreaterThan(1);
  });

  it('stops publishing after stop()', async () => {
    const { sut, batches } = setup();
    sut.start();
    await jest.advanceTimersByTimeAsync(200);
    await sut.stop();
    await sut.stop();
    const count = batches.length;
    await jest.advanceTimersByTimeAsync(1000);
    expect(batches).toHaveLength(count);
  });
});
