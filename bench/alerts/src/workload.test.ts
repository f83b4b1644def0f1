import { parseAnomalyDetected } from '@industrialmind/contracts';
import { makeWorkload, median, quantile } from './workload';

describe(makeWorkload.name, () => {
  it('spreads valid anomaly events round-robin over the machines, one episode each, with unique keys', () => {
    const w = makeWorkload(10, 3, Date.UTC(2026, 0, 1), 'run1');
    expect(w.machines).toEqual(['run1-m0000', 'run1-m0001', 'run1-m0002']);
    expect(w.messages.map((m) => m.key)).toEqual(w.rows.map((r) => r.machineId));
    expect(new Set(w.rows.map((r) => r.signalKey)).size).toBe(10);
    for (const m of w.messages) {
      const parsed = parseAnomalyDetected(m.value);
      expect(parsed.ok).toBe(true);
    }
    const first = parseAnomalyDetected(w.messages[0]!.value);
    const fourth = parseAnomalyDetected(w.messages[3]!.value);
    expect(first.ok && first.value.state).toBe('started');
    expect(fourth.ok && fourth.value).toMatchObject({ state: 'continuing', event_id: 'run1-m0000-ev' });
  });
});

describe(quantile.name, () => {
  it('takes the nearest-rank quantile and the median', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
