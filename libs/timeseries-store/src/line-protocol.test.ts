import type { Point } from './port';
import { encodeLines, toLines } from './line-protocol';

function point(fields: Record<string, number>, overrides: Partial<Point> = {}): Point {
  return {
    machineId: 'm-1',
    machineType: 'pump',
    location: 'hall a',
    timestampMs: 1_764_000_000_123,
    fields,
    ...overrides,
  };
}

/** A small deterministic generator, so a failure names a reproducible case. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const EDGE_VALUES = [
  0,
  -0,
  1,
  -1,
  9,
  10,
  99,
  100,
  99_999,
  100_000,
  123_456_789,
  2_147_483_647,
  2_147_483_648,
  4_294_967_295.5,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e15 + 0.5,
  0.1,
  0.01,
  0.001,
  1e-6,
  1e-7,
  123.456789,
  -0.5,
  61.3,
  1e21,
  -1e21,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Math.PI,
  1_234_567.125,
  0.1 + 0.2,
  1 / 3,
  -2.5e-5,
];

describe(encodeLines.name, () => {
  it('writes exactly what toLines writes, for edge values', () => {
    const points = EDGE_VALUES.map((v, i) => point({ x: v }, { timestampMs: i }));

    expect(encodeLines('m', points).toString('utf8')).toBe(toLines('m', points));
  });

  it('writes exactly what toLines writes, for random values, series, channels and ranges', () => {
    const random = lcg(42);
    const names = ['temperature', 'vibration', 'pressure', 'power', 'x=y', 'a b', 'température'];
    const points: Point[] = [];
    for (let i = 0; i < 5000; i++) {
      const fields: Record<string, number> = {};
      for (const name of names) {
        if (random() < 0.4) continue;
        const r = random();
        fields[name] =
          r < 0.3
            ? Math.round((random() - 0.3) * 10 ** (1 + Math.floor(random() * 8))) /
              10 ** Math.floor(random() * 7)
            : r < 0.6
              ? (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10)
              : Math.floor(random() * 2 ** 53);
      }
      if (Object.keys(fields).length === 0) fields.power = i;
      points.push({
        machineId: `m,${Math.floor(random() * 5)}`,
        machineType: random() < 0.5 ? 'pump' : 'cnc mill',
        location: random() < 0.3 ? '' : 'hall=ä',
        timestampMs: Math.floor(random() * 2 ** 53),
        fields,
      });
    }

    expect(encodeLines('sensor\\ reading', points).toString('utf8')).toBe(
      toLines('sensor\\ reading', points),
    );
    expect(encodeLines('m', points, 100, 250).toString('utf8')).toBe(toLines('m', points, 100, 250));
    expect(encodeLines('m', points, 7, 7).byteLength).toBe(0);
  });

  it('grows past its scratch buffer and returns independent buffers', () => {
    const wide: Record<string, number> = {};
    for (let c = 0; c < 40; c++) wide[`channel_${c}`] = c + 0.25;
    const points = Array.from({ length: 3000 }, (_, i) => point(wide, { timestampMs: i }));

    const first = encodeLines('m', points);
    const copy = Buffer.from(first);
    const second = encodeLines('m', [point({ x: 1 })]);

    expect(first.byteLength).toBeGreaterThan(2 ** 21);
    expect(first.toString('utf8')).toBe(toLines('m', points));
    expect(first.equals(copy)).toBe(true);
    expect(second.toString('utf8')).toBe(toLines('m', [point({ x: 1 })]));
  });
});
