import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATOR_RUL_COLUMNS, writeSimulatorRulData } from './rul-simulator-data';

describe(writeSimulatorRulData.name, () => {
  it('writes every running reading with its true remaining life, which falls as the machine wears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-rul-'));
    try {
      const file = join(dir, 'fleet.csv');
      const rows = await writeSimulatorRulData(file, {
        machines: 4,
        seed: 3,
        sampleMinutes: 60,
        maxHours: 48,
      });
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines[0]).toBe(SIMULATOR_RUL_COLUMNS.join(','));
      expect(lines).toHaveLength(rows + 1);
      expect(rows).toBeGreaterThanOrEqual(4 * 48);
      const first = lines.slice(1).filter((l) => l.startsWith('cnc-mill-001,'));
      const rul = first.map((l) => Number(l.split(',')[7]));
      expect(rul.length).toBeGreaterThan(40);
      expect(rul[rul.length - 1]!).toBeLessThan(rul[0]!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
