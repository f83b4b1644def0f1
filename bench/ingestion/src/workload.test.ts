import { parseSensorReading, createDefaultMachineTypeRegistry } from '@industrialmind/contracts';
import { makeWorkload } from './workload';

describe('makeWorkload', () => {
  it('makes valid readings and one line-protocol line each, with distinct keys in the time range', () => {
    const sut = makeWorkload(1000, 10, 1_000_000);
    const machineTypes = createDefaultMachineTypeRegistry();
    expect(sut.messages).toHaveLength(1000);
    expect(sut.lines).toHaveLength(1000);
    const keys = new Set<string>();
    for (const m of sut.messages) {
      const r = parseSensorReading(m.value, { machineTypes });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      keys.add(`${r.value.machine_id}@${r.value.timestamp}`);
      const ms = Date.parse(r.value.timestamp);
      expect(ms >= sut.fromMs && ms < sut.toMs).toBe(true);
    }
    expect(keys.size).toBe(1000);
    expect(sut.lines[0]).toBe(
      'sensor_reading,location=line-0,machine_id=bench-m0,machine_type=cnc-mill temperature=60,vibration=2,pressure=5,power=10 1000000',
    );
  });
});
