import { AppError, ErrorCode } from '@industrialmind/errors';
import { validate } from '@industrialmind/http';
import {
  forecastBatch,
  toVector,
  type MachineHistory,
  type RulModel,
  type RulModelFolder,
} from '@industrialmind/rul-forecasting';
import { Router } from 'express';
import type { StreamState } from '../domain/stream-state';
import type { RulMetrics } from '../metrics';
import { ForecastBody, ModelQuery } from './forecast.schemas';

export interface ForecastRoutesDeps {
  models: Pick<RulModelFolder, 'select' | 'byName' | 'list'>;
  state: Pick<StreamState, 'history'>;
  metrics: RulMetrics;
}

function invalid(path: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, 'request validation failed', {
    details: [{ location: 'body', path, message }],
  });
}

function chooseModel(deps: ForecastRoutesDeps, body: ForecastBody): RulModel {
  if (body.model !== undefined) {
    const model = deps.models.byName(body.model);
    if (!model) throw invalid('model', `no model named "${body.model}" is loaded (GET /model lists them)`);
    if (body.machine_type !== undefined && model.metadata.machine_type !== body.machine_type)
      throw invalid('model', `serves machine type ${model.metadata.machine_type}, not ${body.machine_type}`);
    return model;
  }
  const model = deps.models.select(body.machine_type!, body.machine_id);
  if (!model)
    throw invalid(
      'machine_type',
      `no loaded model serves machine type "${body.machine_type}"${body.machine_id ? ` and machine ${body.machine_id}` : ''}`,
    );
  return model;
}

/** What `GET /model` shows of a model: everything but the trainer's internals. */
function describe(model: RulModel): Record<string, unknown> {
  const { torch_init: _torchInit, ...rest } = model.metadata as Record<string, unknown>;
  return rest;
}

/**
 * POST /forecast: a RUL forecast from given readings, or from a followed machine's stream.
 * GET /model: the loaded models' metadata (`?name=` for one).
 * Identity: both read only; the gateway checks roles before forwarding (req.identity is available here).
 */
export function forecastRouter(deps: ForecastRoutesDeps): Router {
  const router = Router();

  router.post('/forecast', validate({ body: ForecastBody }), async (req, res) => {
    const body = req.body;
    let model: RulModel;
    let machine: MachineHistory;
    if (body.readings !== undefined) {
      model = chooseModel(deps, body);
      const { channels } = model.metadata;
      const rows = body.readings.map((readings, i) => {
        const { values, missing } = toVector(readings, channels);
        if (missing.length > 0) throw invalid(`readings.${i}`, `is missing channel(s) ${missing.join(', ')}`);
        return values;
      });
      // Given readings are the machine's history from its first reading (what a model with history inputs needs).
      machine = { recent: rows, start: rows, count: rows.length };
    } else {
      const history = deps.state.history(body.machine_id!);
      if (!history || history.rows.length === 0)
        throw new AppError(ErrorCode.NOT_FOUND, `no readings seen for machine ${body.machine_id}`);
      const found = deps.models.byName(history.model);
      if (!found) throw new AppError(ErrorCode.NOT_FOUND, `the model of machine ${body.machine_id} is gone`);
      model = found;
      machine = { recent: [...history.rows], start: [...history.start], count: history.count };
    }
    const stop = deps.metrics.inferenceDuration.startTimer({ source: 'http' });
    const [forecast] = await forecastBatch(model, [machine]);
    stop();
    res.json({
      ...(body.machine_id ? { machine_id: body.machine_id } : {}),
      machine_type: model.metadata.machine_type,
      model: model.metadata.name,
      readings_used: Math.min(machine.recent.length, model.metadata.window),
      // A model with history inputs also used the machine's age: readings since its first one.
      ...(model.metadata.history ? { age_readings: machine.count } : {}),
      ...forecast,
    });
  });

  router.get('/model', validate({ query: ModelQuery }), (req, res) => {
    const name = req.query.name;
    if (name !== undefined) {
      const model = deps.models.byName(name);
      if (!model) throw new AppError(ErrorCode.NOT_FOUND, `no model named "${name}" is loaded`);
      res.json(describe(model));
      return;
    }
    res.json({ models: deps.models.list().map(describe) });
  });

  return router;
}
