import {
  SIMULATOR_MACHINE_TYPES,
  createDefaultMachineTypeRegistry,
  encodeSensorReading,
  parseSensorReading,
} from '@industrialmind/contracts';
import { MALFORMED_KINDS, createReadingGenerator } from './reading-generator';

const machineTypes = createDefaultMachineTypeRegistry();
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe(createReadingGenerator.name, () => {
  it('makes readings that every simulator machine type accepts, each with all its channels', () => {
    const sut = createReadingGenerator({ machines: 12, seed: 1, runId: 'run1' });
    const seenTypes = new Set<string>();
    for (let i = 0; i < 1200; i++) {
      const reading = sut.next(T0 + i * 100);
      const result = parseSensorReading(encodeSensorReading(reading, { machineTypes }), { machineTypes });
      if (!result.ok) throw new Error(result.reason);
      const type = machineTypes.get(result.value.machine_type)!;
      expect(Object.keys(result.value.readings).sort()).toEqual([...type.channelNames].sort());
      seenTypes.add(type.name);
    }
    expect([...seenTypes].sort()).toEqual(SIMULATOR_MACHINE_TYPES.map((t) => t.name).sort());
  });

  it('keeps every value inside its channel plausible range', () => {
    const sut = createReadingGenerator({ machines: 8, seed: 99, runId: 'run1' });
    const outside: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const reading = sut.next(T0 + i * 250);
      const type = machineTypes.get(reading.machine_type)!;
      for (const channel of type.channels) {
        const value = reading.readings[channel.name]!;
        if (!(value >= channel.min! && value <= channel.max!)) outside.push(`${channel.name}=${value}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('is deterministic for a seed, run id and timestamps', () => {
    const a = createReadingGenerator({ machines: 5, seed: 42, runId: 'r' });
    const b = createReadingGenerator({ machines: 5, seed: 42, runId: 'r' });
    const take = (g: typeof a) => Array.from({ length: 50 }, (_, i) => g.next(T0 + i * 1000));
    expect(take(a)).toEqual(take(b));
  });

  it('gives a different fleet for another seed', () => {
    const a = createReadingGenerator({ machines: 5, seed: 1, runId: 'r' });
    const b = createReadingGenerator({ machines: 5, seed: 2, runId: 'r' });
    expect(a.next(T0).readings).not.toEqual(b.next(T0).readings);
  });

  it('cycles round-robin over distinct machine ids and keys', () => {
    const sut = createReadingGenerator({ machines: 6, seed: 3, runId: 'r' });
    const ids = Array.from({ length: 12 }, () => sut.next(T0).machine_id);
    expect(new Set(ids).size).toBe(6);
    expect(ids.slice(0, 6)).toEqual(ids.slice(6));
    expect(ids[0]).toBe('cnc-mill-001');
    expect(sut.machines.map((m) => m.machineId)).toEqual(ids.slice(0, 6));
  });

  it('numbers reading ids uniquely within a run, prefixed by the run id', () => {
    const sut = createReadingGenerator({ machines: 3, seed: 3, runId: 'abc' });
    const ids = Array.from({ length: 100 }, () => sut.next(T0).reading_id);
    expect(new Set(ids).size).toBe(100);
    expect(ids[0]).toBe('abc-1');
  });

  it('makes malformed messages that the contract rejects, one kind after another', () => {
    const sut = createReadingGenerator({ machines: 4, seed: 5, runId: 'r' });
    const reasons = MALFORMED_KINDS.map((kind) => {
      const message = sut.malformed(T0);
      expect(message.kind).toBe(kind);
      expect(message.key).toMatch(/^[a-z-]+-\d{3}$/);
      const result = parseSensorReading(message.value, { machineTypes });
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.reason;
    });
    expect(reasons[0]).toContain('Did you mean "temperature"?');
    expect(reasons[1]).toContain('readings.temperature');
    expect(reasons[2]).toContain('timestamp');
    expect(reasons[3]).toContain('not valid JSON');
  });

  it('works for machine types without ranges or with short channel names', () => {
    const sut = createReadingGenerator({
      machines: 2,
      seed: 1,
      runId: 'r',
      machineTypes: [{ name: 'tiny', channels: [{ name: 'rpm', unit: 'rpm' }] }],
    });
    const reading = sut.next(T0);
    expect(reading.readings.rpm).toBeGreaterThanOrEqual(0);
    expect(reading.readings.rpm).toBeLessThanOrEqual(100);
    expect(JSON.parse(sut.malformed(T0).value).readings).toHaveProperty('rpmx');
  });

  it('refuses an empty fleet', () => {
    expect(() => createReadingGenerator({ machines: 0, seed: 1, runId: 'r' })).toThrow(RangeError);
    expect(() => createReadingGenerator({ machines: 1, seed: 1, runId: 'r', machineTypes: [] })).toThrow(
      RangeError,
    );
  });
});
