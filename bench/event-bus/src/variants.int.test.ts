import { randomBytes } from 'node:crypto';
import { DEFAULT_BROKERS } from './config';
import { makePayloads } from './stats';
import { deleteTopics, runOurs, runPlain } from './variants';

// A tiny run of both variants against the real broker: the benchmark measures what it claims to measure.
describe('event-bus benchmark variants', () => {
  const common = {
    brokers: DEFAULT_BROKERS.split(','),
    payloads: makePayloads(100, 200, 10),
    messages: 3000,
    batch: 500,
    inFlight: 2,
    compression: 'gzip' as const,
  };

  it.each([
    ['ours', runOurs],
    ['plain kafkajs', runPlain],
  ])(
    '%s consumes exactly the messages it produced and reports positive rates',
    async (_name, run) => {
      const topic = `bench-test-${randomBytes(4).toString('hex')}`;
      const sut = await run({ ...common, topic });
      await deleteTopics(common.brokers, [topic]);
      expect(sut.consumed).toBe(3000);
      expect(sut.produceRate).toBeGreaterThan(0);
      expect(sut.endToEndRate).toBeGreaterThan(0);
    },
    120_000,
  );
});
