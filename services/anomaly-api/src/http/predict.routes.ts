import type { ScoringResult } from '@industrialmind/anomaly-scoring';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { leanRoute, requireRole, validate, zodBody, type LeanRoute } from '@industrialmind/http';
import { Router, type RequestHandler } from 'express';
import type { RegistryResult, ScorerRegistry, ServedModel } from '../domain/scorer-registry';
import type { AnomalyMetrics } from '../metrics';
import { recordResults } from '../record-results';
import { PredictBatchRequest, PredictRequest, fastPredictRequest } from './predict.schemas';

export interface PredictRoutesDeps {
  scorers: ScorerRegistry;
  metrics: AnomalyMetrics;
  /** Roles allowed to call the routes; undefined when the gateway has already checked them. */
  roles?: { predict: string[]; model: string[] };
}

function resultBody(machineType: string, result: RegistryResult) {
  if (result.status === 'no_model')
    return { machine_id: result.machineId, machine_type: machineType, status: 'no_model' };
  const r: ScoringResult = result;
  return {
    machine_id: r.machineId,
    machine_type: machineType,
    model_version: r.modelVersion,
    status: r.status,
    calibration: r.calibration,
    score: r.score,
    smoothed_score: r.smoothedScore,
    threshold: r.threshold,
    is_anomaly: r.isAnomaly,
    confidence: r.confidence,
    feature_contributions: r.contributions,
    ...(r.event ? { event: r.event } : {}),
  };
}

/** 404 when no model serves the type; 400 naming the field for a channel the model does not know. */
function checkChannels(
  scorers: ScorerRegistry,
  machineType: string,
  rows: readonly Record<string, number>[],
  path: (row: number, channel: string) => string,
): void {
  const model = scorers.get(machineType);
  if (!model)
    throw new AppError(ErrorCode.NOT_FOUND, `no anomaly model for machine type "${machineType}"`, {
      details: { machine_type: machineType, served: scorers.all().map((m) => m.machineType) },
    });
  const known = channelSet(model.metadata);
  let problems: { location: string; path: string; message: string }[] | undefined;
  rows.forEach((row, i) => {
    for (const channel in row)
      if (!known.has(channel))
        (problems ??= []).push({
          location: 'body',
          path: path(i, channel),
          message: `unknown channel for ${machineType} (model channels: ${model.metadata.channels.join(', ')})`,
        });
  });
  if (problems)
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'request validation failed', {
      details: problems.slice(0, 100),
    });
}

// One Set per loaded model's metadata, not one per request.
const channelSets = new WeakMap<ServedModel['metadata'], ReadonlySet<string>>();
function channelSet(metadata: ServedModel['metadata']): ReadonlySet<string> {
  let set = channelSets.get(metadata);
  if (!set) channelSets.set(metadata, (set = new Set(metadata.channels)));
  return set;
}

/** POST /predict: scores one reading (stateful) or a whole window (stateless) and returns the answer body. */
async function predictOne(deps: PredictRoutesDeps, body: PredictRequest): Promise<object> {
  const stop = deps.metrics.scoringDuration.startTimer({ source: 'rest' });
  if (body.window) {
    checkChannels(deps.scorers, body.machine_type, body.window, (i, c) => `window.${i}.${c}`);
    const result = await deps.scorers
      .get(body.machine_type)!
      .scorer.scoreWindow(body.machine_id, body.window);
    stop();
    return {
      machine_id: body.machine_id,
      machine_type: body.machine_type,
      model_version: result.modelVersion,
      status: 'scored',
      score: result.score,
      threshold: result.threshold,
      is_anomaly: result.isAnomaly,
      confidence: result.confidence,
      feature_contributions: result.contributions,
    };
  }
  const readings = body.readings!;
  checkChannels(deps.scorers, body.machine_type, [readings], (_, c) => `readings.${c}`);
  const [result] = await deps.scorers.score([
    {
      machineId: body.machine_id,
      machineType: body.machine_type,
      values: readings,
      ...(body.reading_id ? { readingId: body.reading_id } : {}),
      ...(body.timestamp ? { timestampMs: Date.parse(body.timestamp) } : {}),
    },
  ]);
  stop();
  recordResults(deps.metrics, body.machine_type, result!);
  return resultBody(body.machine_type, result!);
}

/**
 * POST /predict served without express's middleware chain (the hot route: one reading per request at up to
 * thousands of requests/s); same validation (fast path, zod for the rest and for the 400's details), roles,
 * ids, metrics and error format as the express routes.
 */
export function predictLeanRoute(deps: PredictRoutesDeps): LeanRoute<PredictRequest> {
  return leanRoute({
    method: 'POST',
    path: '/predict',
    body: zodBody(PredictRequest, fastPredictRequest),
    ...(deps.roles ? { roles: deps.roles.predict } : {}),
    handle: ({ body }) => predictOne(deps, body),
  });
}

/**
 * POST /predict: one reading (advances the machine's window state, as the stream does) or a whole `window`
 * (stateless, uses the machine's fitted normalisation and threshold). POST /predict/batch: many readings, in
 * order. GET /model: what each machine type is scored with.
 */
export function predictRouter(deps: PredictRoutesDeps): Router {
  const router = Router();
  const guard = (roles: string[] | undefined): RequestHandler[] => (roles ? [requireRole(...roles)] : []);

  // The lean route serves plain JSON requests; this one the rest (other charsets, compressed bodies), alike.
  router.post(
    '/predict',
    ...guard(deps.roles?.predict),
    validate({ body: PredictRequest }),
    async (req, res) => {
      res.json(await predictOne(deps, req.body));
    },
  );

  router.post(
    '/predict/batch',
    ...guard(deps.roles?.predict),
    validate({ body: PredictBatchRequest }),
    async (req, res) => {
      const items = req.body.readings;
      const problems: unknown[] = [];
      for (const [i, item] of items.entries()) {
        try {
          checkChannels(
            deps.scorers,
            item.machine_type,
            [item.readings],
            (_, c) => `readings.${i}.readings.${c}`,
          );
        } catch (err) {
          if (err instanceof AppError && err.code === ErrorCode.VALIDATION_FAILED)
            problems.push(...(err.details as unknown[]));
          // An unscorable machine type is answered per item (status no_model), not as a failed request.
          else if (!(err instanceof AppError && err.code === ErrorCode.NOT_FOUND)) throw err;
        }
      }
      if (problems.length > 0)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'request validation failed', {
          details: problems.slice(0, 100),
        });
      const stop = deps.metrics.scoringDuration.startTimer({ source: 'rest' });
      const results = await deps.scorers.score(
        items.map((item) => ({
          machineId: item.machine_id,
          machineType: item.machine_type,
          values: item.readings,
          ...(item.reading_id ? { readingId: item.reading_id } : {}),
          ...(item.timestamp ? { timestampMs: Date.parse(item.timestamp) } : {}),
        })),
      );
      stop();
      results.forEach((r, i) => recordResults(deps.metrics, items[i]!.machine_type, r));
      res.json({ results: results.map((r, i) => resultBody(items[i]!.machine_type, r)) });
    },
  );

  router.get('/model', ...guard(deps.roles?.model), (_req, res) => {
    res.json({
      models: deps.scorers.all().map((m) => {
        const meta = m.metadata;
        const extra = meta as Record<string, unknown>;
        return {
          machine_type: m.machineType,
          model_version: meta.model_version,
          architecture: meta.architecture,
          channels: meta.channels,
          window: meta.input.window,
          horizon: meta.horizon,
          cold_start_readings: meta.cold_start.readings,
          threshold: meta.threshold,
          policy: meta.policy,
          metrics: extra.metrics ?? null,
          training: extra.training ?? null,
          loaded_at: new Date(m.loadedAtMs).toISOString(),
          machines: m.scorer.stats(),
        };
      }),
    });
  });

  return router;
}
