import { AppError, ErrorCode } from '@industrialmind/errors';
import type { GraphStore } from '@industrialmind/graph-store';
import { validate } from '@industrialmind/http';
import { Router } from 'express';
import { rankRootCauses, type RootCauseSettings } from '../domain/root-cause';
import type { GraphApiMetrics } from '../metrics';
import { AnalysesQuery, RootCauseQuery } from './schemas';

// An anomaly recorded this long before the requested time still answers "what caused the trouble at `time`".
const LOOKBACK_MS = 60 * 60_000;

/**
 * GET /root-cause?machine_id&time[&contributions=vibration:0.7,...]: the stored analysis of the machine's latest
 * anomaly at or before `time` (within an hour), or, when `contributions` are given, a ranking computed now.
 * GET /analyses?machine_id&from&to&limit: stored analyses, newest first (for the alerts service and the portal).
 */
export function rootCauseRouter(deps: {
  store: GraphStore;
  settings: RootCauseSettings;
  metrics: GraphApiMetrics;
}): Router {
  const router = Router();
  router.get('/root-cause', validate({ query: RootCauseQuery }), async (req, res) => {
    const q = req.query;
    if (q.contributions) {
      const end = deps.metrics.rankDuration.startTimer({ source: 'rest' });
      const result = await rankRootCauses(
        deps.store,
        { machineId: q.machine_id, timestampMs: q.time, contributions: q.contributions },
        deps.settings,
      );
      end();
      res.json({ source: 'computed', ...result });
      return;
    }
    const [latest] = await deps.store.listAnalyses({
      machineIds: [q.machine_id],
      fromMs: q.time - LOOKBACK_MS,
      toMs: q.time + 1,
      limit: 1,
    });
    if (!latest) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `no anomaly of ${q.machine_id} recorded in the hour before ${new Date(q.time).toISOString()}; pass contributions to rank one`,
        { details: [{ path: 'time', message: 'no recorded anomaly near this time' }] },
      );
    }
    res.json({ source: 'stored', analysis_id: latest.id, ...latest.document });
  });
  router.get('/analyses', validate({ query: AnalysesQuery }), async (req, res) => {
    const q = req.query;
    const analyses = await deps.store.listAnalyses({
      limit: q.limit,
      ...(q.machine_id ? { machineIds: [q.machine_id] } : {}),
      ...(q.from !== undefined ? { fromMs: q.from } : {}),
      ...(q.to !== undefined ? { toMs: q.to } : {}),
    });
    res.json({ analyses: analyses.map((a) => ({ analysis_id: a.id, ...a.document })) });
  });
  return router;
}
