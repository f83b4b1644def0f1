import { collectSensorReadings, createDefaultMachineTypeRegistry } from '@industrialmind/contracts';
import { makeWorkload } from './workload';

const machineTypes = createDefaultMachineTypeRegistry();

describe('makeWorkload', () => {
  it.each([
    [1, 'rows'],
    [7, 'rows'],
    [7, 'array'],
  ] as const)(
    'makes valid readings (%i per message, %s form) and one line-protocol line each, with distinct keys in the time range',
    (perMessage, form) => {
      const sut = makeWorkload(1000, 10, 1_000_000, perMessage, form);
      expect(sut.readings).toBe(1000);
      const lines = sut.bodies.flatMap((b) => b.toString().split('\n'));
      expect(lines).toHaveLength(1000);
      expect(sut.bodies).toHaveLength(1);
      expect(sut.messages).toHaveLength(10 * Math.ceil(100 / perMessage));
      const rejected: string[] = [];
      const readings = collectSensorReadings(sut.messages, { machineTypes }, (_m, r) =>
        rejected.push(r.reason),
      );
      expect(rejected).toEqual([]);
      expect(readings).toHaveLength(1000);
      const keys = new Set<string>();
      for (const r of readings) {
        keys.add(`${r.machine_id}@${r.timestamp}`);
        const ms = Date.parse(r.timestamp);
        expect(ms >= sut.fromMs && ms < sut.toMs).toBe(true);
      }
      expect(keys.size).toBe(1000);
      expect(sut.bytesPerReading).toBeCloseTo(
        sut.messages.reduce((n, m) => n + m.value.byteLength, 0) / 1000,
        6,
      );
      for (const m of sut.messages) expect(m.value.toString()).toContain(`"machine_id":"${m.key}"`);
      expect(lines[0]).toBe(
        'sensor_reading,location=line-0,machine_id=bench-m0,machine_type=cnc-mill temperature=60,vibration=2,pressure=5,power=10 1000000',
      );
    },
  );
});
