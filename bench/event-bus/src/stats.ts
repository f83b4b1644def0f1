/** Small, dependency-free helpers for the benchmark: payloads, medians, formatting. */

/** `count` distinct sensor-reading JSON payloads of exactly `bytes` bytes (padding goes into metadata). */
export function makePayloads(
  count: number,
  bytes: number,
  machines: number,
): Array<{ key: string; value: Buffer }> {
  const out: Array<{ key: string; value: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    const machineId = `m-${String(i % machines).padStart(3, '0')}`;
    const make = (readingId: string): string =>
      JSON.stringify({
        schema_version: '1.0',
        reading_id: readingId,
        timestamp: new Date(1_700_000_000_000 + i * 100).toISOString(),
        machine_id: machineId,
        machine_type: 'cnc',
        readings: { temperature: (612 + (i % 70)) / 10, vibration: 2.3, pressure: 4.8, power: 11.7 },
      });
    const id = i.toString(16);
    const minimum = Buffer.byteLength(make(id));
    if (bytes < minimum) throw new RangeError(`payload size ${bytes} is below the minimum ${minimum}`);
    // The reading id absorbs the padding, so every payload is exactly `bytes` long.
    const value = Buffer.from(make(id.padStart(id.length + bytes - minimum, '0')));
    out.push({ key: machineId, value });
  }
  return out;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}
