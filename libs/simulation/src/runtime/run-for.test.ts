import { createFleet } from '../fleet';
import { createRecordingPublisher } from '../testing';
import { runFleetFor, type RunForProgress } from './run-for';
import { createBusSink } from './sinks';

const T0 = Date.parse('2024-05-06T08:00:00Z');

describe(runFleetFor.name, () => {
  it('covers the simulated duration as fast as the sink takes it', async () => {
    const publisher = createRecordingPublisher();
    const progress: RunForProgress[] = [];

    const summary = await runFleetFor({
      fleet: createFleet({ size: 5, seed: 1, startMs: T0 }),
      durationMs: 60_000,
      sink: createBusSink({ publisher }),
      batchSize: 100,
      onProgress: (p) => progress.push(p),
    });

    expect(summary).toMatchObject({
      readings: 300,
      groundTruth: 300,
      dropped: 0,
      isAborted: false,
      fraction: 1,
    });
    expect(progress.map((p) => p.readings)).toEqual([100, 200, 300]);
    expect(publisher.values('sensor-readings')).toHaveLength(300);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();

    const summary = await runFleetFor({
      fleet: createFleet({ size: 5, seed: 1, startMs: T0 }),
      durationMs: 3_600_000,
      sink: createBusSink({ publisher: createRecordingPublisher() }),
      batchSize: 10,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.readings >= 30) controller.abort();
      },
    });

    expect(summary).toMatchObject({ readings: 30, isAborted: true });
  });
});
