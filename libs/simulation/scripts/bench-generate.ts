// How fast the simulation generates readings on one core: `pnpm --filter @industrialmind/simulation bench`
// (after `pnpm build`). Prints readings/s for generation alone and for generation plus wire encoding
// (encodeSensorReading, which validates, and the ground-truth JSON), best of several rounds.
import { createDefaultMachineTypeRegistry, encodeSensorReading } from '@industrialmind/contracts';
import { createFleet, encodeGroundTruth } from '@industrialmind/simulation';

const ROUNDS = 5;
const PER_ROUND = 300_000;
const machineTypes = createDefaultMachineTypeRegistry();

function measure(label: string, size: number, withEncoding: boolean): void {
  const fleet = createFleet({
    size,
    seed: 1,
    startMs: Date.parse('2024-05-06T06:00:00Z'),
    sampleIntervalMs: 1000,
  });
  // Some faults, so their code paths are part of the measurement.
  for (let i = 0; i < size; i += 10) {
    const machine = fleet.machines[i]!;
    fleet.injectFault({
      machineId: machine.machineId,
      kind: 'sensor_spikes',
      channel: 'power',
      shape: 'step',
    });
  }
  let best = 0;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) {
      const sample = fleet.next();
      if (withEncoding) {
        bytes += encodeSensorReading(sample.reading!, { machineTypes }).length;
        bytes += encodeGroundTruth(sample.truth).length;
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.max(best, PER_ROUND / seconds);
  }
  const perReading = withEncoding
    ? ` (${Math.round(bytes / (ROUNDS * PER_ROUND))} bytes per reading + ground truth)`
    : '';
  process.stdout.write(
    `${label.padEnd(44)} ${Math.round(best).toLocaleString('en-US').padStart(10)} readings/s${perReading}\n`,
  );
}

process.stdout.write(
  `node ${process.version}, best of ${ROUNDS} x ${PER_ROUND.toLocaleString('en-US')} readings\n`,
);
measure('generate, 100 machines', 100, false);
measure('generate, 1,000 machines', 1_000, false);
measure('generate + encode both records, 100 machines', 100, true);
