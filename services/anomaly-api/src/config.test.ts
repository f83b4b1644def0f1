import { ConfigError } from '@industrialmind/config';
import { readConfig } from './config';

describe(readConfig.name, () => {
  it('reads the model folder and defaults the tuning knobs', () => {
    const config = readConfig({ PROFILE: 'lite', ANOMALY_MODEL_DIR: '/models' });
    expect(config.anomaly).toMatchObject({
      modelDir: '/models',
      modelPollMs: 5000,
      inputTopic: 'sensor-readings',
      outputTopic: 'anomaly-detected',
    });
    expect(config.http.port).toBe(8083);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      readConfig({ PROFILE: 'lite', ANOMALY_MAX_BATCH: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(['ANOMALY_MODEL_DIR', 'ANOMALY_MAX_BATCH']));
  });
});
