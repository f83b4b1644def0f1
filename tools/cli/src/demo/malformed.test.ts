import { createDefaultMachineTypeRegistry, parseSensorReading } from '@industrialmind/contracts';
import { MALFORMED_KINDS, createMalformedMaker } from './malformed';

const machineTypes = createDefaultMachineTypeRegistry();
const T0 = Date.parse('2024-05-01T12:00:00.000Z');

describe(createMalformedMaker.name, () => {
  it('makes messages the contract rejects, one kind after another, over the fleet’s machines', () => {
    const sut = createMalformedMaker(
      [
        { machineId: 'cnc-mill-001', machineType: 'cnc-mill' },
        { machineId: 'compressor-002', machineType: 'compressor' },
      ],
      'run',
    );
    const messages = MALFORMED_KINDS.map(() => sut(T0));
    expect(messages.map((m) => m.kind)).toEqual([...MALFORMED_KINDS]);
    expect(messages.map((m) => m.key)).toEqual([
      'cnc-mill-001',
      'compressor-002',
      'cnc-mill-001',
      'compressor-002',
    ]);
    const reasons = messages.map((m) => {
      const result = parseSensorReading(m.value, { machineTypes });
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.reason;
    });
    expect(reasons[0]).toContain('Did you mean "temperature"?');
    expect(reasons[1]).toContain('readings.temperature');
    expect(reasons[2]).toContain('timestamp');
    expect(reasons[3]).toContain('not valid JSON');
  });

  it('refuses an empty fleet', () => {
    expect(() => createMalformedMaker([], 'r')).toThrow(RangeError);
  });
});
