import { buildBodies, type ModelInfo } from './workload';

const model: ModelInfo = {
  name: 'm',
  model_version: 'm@1',
  machine_type: 'cmapss-turbofan',
  channels: ['setting_1', 's_2', 's_3'],
  window: 4,
  normalisation: {
    setting_channels: ['setting_1'],
    sensor_channels: ['s_2', 's_3'],
    condition_centroids: [[0], [20]],
    mean: [
      [600, 1500],
      [550, 1400],
    ],
    std: [
      [0.5, 5],
      [0.5, 5],
    ],
  },
};

describe(buildBodies.name, () => {
  it('builds the same requests for the same seed, each reading at one operating condition', () => {
    const sut = buildBodies(model, 3, 4, 7);
    expect(sut).toEqual(buildBodies(model, 3, 4, 7));
    expect(sut).not.toEqual(buildBodies(model, 3, 4, 8));
    const body = JSON.parse(sut[0]!) as { model: string; readings: Array<Record<string, number>> };
    expect(body.model).toBe('m');
    expect(body.readings).toHaveLength(4);
    for (const r of body.readings) {
      expect(Object.keys(r).sort()).toEqual(['s_2', 's_3', 'setting_1']);
      const k = r.setting_1 === 0 ? 0 : 1;
      expect(Math.abs(r.s_2! - model.normalisation!.mean[k]![0]!)).toBeLessThan(5);
    }
  });
});
