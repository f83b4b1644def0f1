import { validate } from '@industrialmind/http';
import { Router } from 'express';
import type { SimulatorController } from '../controller';
import { FaultBody, FaultParams, FaultQuery, FleetBody, FleetQuery, RateBody, ReplayBody } from './schemas';

/**
 * The simulator's REST API:
 * GET /fleet, POST /fleet, POST /start, POST /stop, PUT /rate, GET /status,
 * POST /faults, GET /faults, DELETE /faults/:faultId, POST /replay, GET /replay, DELETE /replay.
 */
export function simulatorRoutes(controller: SimulatorController): Router {
  const router = Router();

  router.get('/fleet', validate({ query: FleetQuery }), (req, res) => {
    res.json(controller.fleet(req.query));
  });
  router.post('/fleet', validate({ body: FleetBody }), async (req, res) => {
    res.json(await controller.resetFleet(req.body));
  });
  router.post('/start', (_req, res) => {
    res.json(controller.start());
  });
  router.post('/stop', async (_req, res) => {
    res.json(await controller.stop());
  });
  router.put('/rate', validate({ body: RateBody }), (req, res) => {
    res.json(controller.setRate(req.body.readings_per_sec));
  });
  router.get('/status', (_req, res) => {
    res.json(controller.status());
  });

  router.post('/faults', validate({ body: FaultBody }), (req, res) => {
    res.status(201).json(controller.injectFault(req.body));
  });
  router.get('/faults', validate({ query: FaultQuery }), (req, res) => {
    res.json({ faults: controller.listFaults(req.query) });
  });
  router.delete('/faults/:faultId', validate({ params: FaultParams }), (req, res) => {
    res.json(controller.clearFault(req.params.faultId));
  });

  router.post('/replay', validate({ body: ReplayBody }), async (req, res) => {
    res.status(202).json(await controller.startReplay(req.body));
  });
  router.get('/replay', (_req, res) => {
    res.json(controller.replayStatus());
  });
  router.delete('/replay', async (_req, res) => {
    res.json(await controller.stopReplay());
  });
  return router;
}
