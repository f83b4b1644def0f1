// Test helpers for this package (not exported): a config from env-style overrides and a fake bus port.
import { createRecordingPublisher, type RecordingPublisher } from '@industrialmind/simulation/testing';
import { readConfig, type Config } from './config';

export function testConfig(env: Record<string, string> = {}): Config {
  return readConfig({ PROFILE: 'lite', SIMULATOR_AUTOSTART: 'false', ...env });
}

export type FakeBus = RecordingPublisher & {
  ensureTopics: jest.Mock<Promise<void>, [unknown]>;
  ping: () => Promise<void>;
};

export function fakeBus(): FakeBus {
  return Object.assign(createRecordingPublisher(), {
    ensureTopics: jest.fn<Promise<void>, [unknown]>(async () => undefined),
    ping: async () => undefined,
  });
}
