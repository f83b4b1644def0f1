/** What bench/rul needs from `GET /model?name=`. */
export interface ModelInfo {
  name: string;
  model_version: string;
  machine_type: string;
  channels: string[];
  window: number;
  normalisation?: {
    setting_channels: string[];
    sensor_channels: string[];
    condition_centroids: number[][];
    mean: number[][];
    std: number[][];
  };
}

/** A small seeded PRNG (mulberry32), so every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` POST /forecast bodies of `readings` plausible readings each: every reading sits at one of the model's
 * operating conditions with its sensors around that condition's mean (what the model saw in training).
 */
export function buildBodies(model: ModelInfo, count: number, readings: number, seed: number): string[] {
  const rand = prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const norm = model.normalisation;
  const bodies: string[] = [];
  for (let b = 0; b < count; b++) {
    const rows: Array<Record<string, number>> = [];
    for (let r = 0; r < readings; r++) {
      const row: Record<string, number> = {};
      for (const c of model.channels) row[c] = 1;
      if (norm) {
        const k = Math.floor(rand() * norm.mean.length);
        norm.setting_channels.forEach((c, i) => (row[c] = norm.condition_centroids[k]![i]!));
        norm.sensor_channels.forEach((c, i) => (row[c] = norm.mean[k]![i]! + gauss() * norm.std[k]![i]!));
      }
      rows.push(row);
    }
    bodies.push(JSON.stringify({ machine_type: model.machine_type, model: model.name, readings: rows }));
  }
  return bodies;
}
