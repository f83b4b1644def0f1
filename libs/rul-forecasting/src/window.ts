/**
 * Builds model inputs: a window of the last `length` readings, channels in the model's order, and the window
 * padded at the front by repeating its first reading when a machine has been seen for fewer readings (as in
 * training, `data.pad_front`).
 */
export function buildWindow(
  rows: ReadonlyArray<ArrayLike<number>>,
  length: number,
  channels: number,
): Float32Array {
  if (rows.length === 0) throw new RangeError('a window needs at least one reading');
  const out = new Float32Array(length * channels);
  const recent = rows.length > length ? rows.slice(rows.length - length) : rows;
  const pad = length - recent.length;
  for (let t = 0; t < length; t++) {
    const row = recent[Math.max(0, t - pad)]!;
    for (let c = 0; c < channels; c++) out[t * channels + c] = row[c]!;
  }
  return out;
}

/** The most recent readings of each machine, bounded per machine and in the number of machines (LRU). */
export class MachineWindows {
  private readonly rows = new Map<string, Float64Array[]>();

  constructor(
    private readonly capacity: number,
    private readonly maxMachines = 100_000,
  ) {}

  /** Appends one reading (already in channel order); returns how many the machine has in its window. */
  push(machineId: string, values: Float64Array): number {
    let list = this.rows.get(machineId);
    if (list === undefined) {
      if (this.rows.size >= this.maxMachines) {
        const oldest = this.rows.keys().next().value as string;
        this.rows.delete(oldest);
      }
      list = [];
    } else {
      // Re-insert so Map order is least-recently-updated first.
      this.rows.delete(machineId);
    }
    list.push(values);
    if (list.length > this.capacity) list.shift();
    this.rows.set(machineId, list);
    return list.length;
  }

  get(machineId: string): readonly Float64Array[] | undefined {
    return this.rows.get(machineId);
  }

  clear(machineId: string): void {
    this.rows.delete(machineId);
  }

  get size(): number {
    return this.rows.size;
  }
}
