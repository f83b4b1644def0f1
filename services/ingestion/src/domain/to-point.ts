import { timestampToMs, type SensorReading } from '@industrialmind/contracts';
import type { Point } from '@industrialmind/timeseries-store';

/**
 * A validated reading as a stored point. The key (machine, type, location, timestamp) comes from the reading
 * itself, so writing the same reading again after a redelivery replaces the point instead of adding one.
 */
export function toPoint(reading: SensorReading): Point {
  const location = reading.metadata?.location;
  return {
    machineId: reading.machine_id,
    machineType: reading.machine_type,
    location: typeof location === 'string' ? location : '',
    timestampMs: timestampToMs(reading.timestamp),
    fields: reading.readings,
  };
}
