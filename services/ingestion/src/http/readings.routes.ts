import { validate } from '@industrialmind/http';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';
import { Router } from 'express';
import { LatestQuery, MachineParams, ReadingsQuery } from './readings.schemas';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * GET /machines/latest: the newest reading of every machine (or of `machine_id=a,b`).
 * GET /machines/:machineId/readings: raw points over [from, to), or per-`window` mean/min/max.
 * Identity: routes read only; the gateway checks roles before forwarding (req.identity is available here).
 */
export function readingsRouter(deps: { store: Pick<TimeSeriesStore, 'queryRange' | 'latest'> }): Router {
  const router = Router();

  router.get('/latest', validate({ query: LatestQuery }), async (req, res) => {
    const machineIds = req.query.machine_id;
    const latest = await deps.store.latest(machineIds ? { machineIds } : {});
    res.json({
      machines: latest.map((r) => ({
        machine_id: r.machineId,
        machine_type: r.machineType,
        location: r.location,
        timestamp: iso(r.timestampMs),
        readings: r.values,
      })),
    });
  });

  router.get(
    '/:machineId/readings',
    validate({ params: MachineParams, query: ReadingsQuery }),
    async (req, res) => {
      const q = req.query;
      const result = await deps.store.queryRange({
        machineId: req.params.machineId,
        fromMs: q.from,
        toMs: q.to,
        limit: q.limit,
        ...(q.window === undefined ? {} : { windowMs: q.window }),
        ...(q.aggregates ? { aggregates: q.aggregates } : {}),
        ...(q.channels ? { channels: q.channels } : {}),
      });
      res.json({
        machine_id: result.machineId,
        from: iso(q.from),
        to: iso(q.to),
        ...(result.kind === 'windowed' ? { window_ms: result.windowMs } : {}),
        truncated: result.truncated,
        rows: result.rows.map((row) => ({ timestamp: iso(row.timestampMs), values: row.values })),
      });
    },
  );

  return router;
}
