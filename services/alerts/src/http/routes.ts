import { validate } from '@industrialmind/http';
import type { Alert, RelationalStore, Rule, Silence } from '@industrialmind/relational-store';
import { Router } from 'express';
import { toAlertResource } from '../domain/messages';
import { actorOf } from './actor';
import type { AlertHub } from './alert-hub';
import {
  ActorBody,
  AlertParams,
  AssignBody,
  CommentBody,
  CreateRuleBody,
  CreateSilenceBody,
  IdParams,
  ListAlertsQuery,
  ResolveBody,
  UpdateRuleBody,
} from './schemas';

export interface RouteDeps {
  store: RelationalStore;
  hub: AlertHub;
  /** Publishes a lifecycle change on the `alerts` topic (and to SSE clients). */
  announce: (alert: Alert, change: string) => Promise<void>;
  /** Rules or silences changed: re-read them before the next batch. */
  onRulesChanged: () => void;
}

const ruleResource = (r: Rule) => ({
  id: r.id,
  name: r.name,
  enabled: r.enabled,
  kind: r.kind,
  machine_type: r.machineType,
  machine_id: r.machineId,
  min_score: r.minScore,
  hysteresis: r.hysteresis,
  min_duration_sec: r.minDurationSec,
  rul_horizon: r.rulHorizon,
  severity: r.severity,
  severity_map: r.severityMap.map((b) => ({ min_score: b.minScore, severity: b.severity })),
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

const silenceResource = (s: Silence) => ({
  id: s.id,
  kind: s.kind,
  machine_type: s.machineType,
  machine_id: s.machineId,
  starts_at: s.startsAt.toISOString(),
  ends_at: s.endsAt.toISOString(),
  reason: s.reason,
  created_by: s.createdBy,
});

/**
 * /alerts (list, get, acknowledge, assign, resolve, comments, history, SSE stream), /rules and /silences.
 * Identity: every route accepts the verified caller from the gateway (req.identity); the actor fields name the
 * person acting, and a deployment can require roles with libs/http requireRole in front of these routers.
 */
export function alertsRouter(deps: RouteDeps): Router {
  const router = Router();
  const { store } = deps;

  router.get('/stream', (_req, res) => deps.hub.stream(res));

  router.get('/', validate({ query: ListAlertsQuery }), async (req, res) => {
    const q = req.query;
    const alerts = await store.listAlerts({
      ...(q.status ? { status: q.status } : {}),
      ...(q.machine_id ? { machineId: q.machine_id } : {}),
      ...(q.group_key ? { groupKey: q.group_key } : {}),
      ...(q.assignee ? { assignee: q.assignee } : {}),
      ...(q.before ? { before: new Date(q.before) } : {}),
      limit: q.limit,
    });
    res.json({ alerts: alerts.map(toAlertResource) });
  });

  router.get('/:alertId', validate({ params: AlertParams }), async (req, res) => {
    res.json(toAlertResource(await store.getAlert(req.params.alertId)));
  });

  router.post(
    '/:alertId/acknowledge',
    validate({ params: AlertParams, body: ActorBody }),
    async (req, res) => {
      const alert = await store.acknowledge(req.params.alertId, actorOf(req, req.body.actor));
      await deps.announce(alert, 'acknowledged');
      res.json(toAlertResource(alert));
    },
  );

  router.post('/:alertId/assign', validate({ params: AlertParams, body: AssignBody }), async (req, res) => {
    const alert = await store.assign(req.params.alertId, req.body.assignee, actorOf(req, req.body.actor));
    await deps.announce(alert, 'assigned');
    res.json(toAlertResource(alert));
  });

  router.post('/:alertId/resolve', validate({ params: AlertParams, body: ResolveBody }), async (req, res) => {
    const { reason, note } = req.body;
    const actor = actorOf(req, req.body.actor);
    const alert = await store.resolve(req.params.alertId, { actor, reason, ...(note ? { note } : {}) });
    await deps.announce(alert, 'resolved');
    res.json(toAlertResource(alert));
  });

  router.get('/:alertId/comments', validate({ params: AlertParams }), async (req, res) => {
    const comments = await store.listComments(req.params.alertId);
    res.json({
      comments: comments.map((c) => ({
        id: c.id,
        author: c.author,
        body: c.body,
        created_at: c.createdAt.toISOString(),
      })),
    });
  });

  router.post(
    '/:alertId/comments',
    validate({ params: AlertParams, body: CommentBody }),
    async (req, res) => {
      const c = await store.addComment(
        req.params.alertId,
        actorOf(req, req.body.author, 'author'),
        req.body.body,
      );
      res
        .status(201)
        .json({ id: c.id, author: c.author, body: c.body, created_at: c.createdAt.toISOString() });
    },
  );

  router.get('/:alertId/history', validate({ params: AlertParams }), async (req, res) => {
    const history = await store.history(req.params.alertId);
    res.json({
      history: history.map((h) => ({
        at: h.at.toISOString(),
        actor: h.actor,
        action: h.action,
        from_status: h.fromStatus,
        to_status: h.toStatus,
        details: h.details,
      })),
    });
  });

  return router;
}

export function rulesRouter(deps: Pick<RouteDeps, 'store' | 'onRulesChanged'>): Router {
  const router = Router();
  const { store } = deps;
  router.get('/', async (_req, res) => {
    res.json({ rules: (await store.listRules()).map(ruleResource) });
  });
  router.post('/', validate({ body: CreateRuleBody }), async (req, res) => {
    const b = req.body;
    const rule = await store.createRule({
      name: b.name,
      enabled: b.enabled,
      kind: b.kind,
      machineType: b.machine_type,
      machineId: b.machine_id,
      minScore: b.min_score,
      hysteresis: b.hysteresis,
      minDurationSec: b.min_duration_sec,
      rulHorizon: b.rul_horizon,
      severity: b.severity,
      severityMap: b.severity_map.map((x) => ({ minScore: x.min_score, severity: x.severity })),
    });
    deps.onRulesChanged();
    res.status(201).json(ruleResource(rule));
  });
  router.get('/:id', validate({ params: IdParams }), async (req, res) => {
    res.json(ruleResource(await store.getRule(req.params.id)));
  });
  router.patch('/:id', validate({ params: IdParams, body: UpdateRuleBody }), async (req, res) => {
    const b = req.body;
    const rule = await store.updateRule(req.params.id, {
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
      ...(b.kind !== undefined ? { kind: b.kind } : {}),
      ...(b.machine_type !== undefined ? { machineType: b.machine_type } : {}),
      ...(b.machine_id !== undefined ? { machineId: b.machine_id } : {}),
      ...(b.min_score !== undefined ? { minScore: b.min_score } : {}),
      ...(b.hysteresis !== undefined ? { hysteresis: b.hysteresis } : {}),
      ...(b.min_duration_sec !== undefined ? { minDurationSec: b.min_duration_sec } : {}),
      ...(b.rul_horizon !== undefined ? { rulHorizon: b.rul_horizon } : {}),
      ...(b.severity !== undefined ? { severity: b.severity } : {}),
      ...(b.severity_map !== undefined
        ? { severityMap: b.severity_map.map((x) => ({ minScore: x.min_score, severity: x.severity })) }
        : {}),
    });
    deps.onRulesChanged();
    res.json(ruleResource(rule));
  });
  router.delete('/:id', validate({ params: IdParams }), async (req, res) => {
    await store.deleteRule(req.params.id);
    deps.onRulesChanged();
    res.status(204).end();
  });
  return router;
}

export function silencesRouter(deps: Pick<RouteDeps, 'store' | 'onRulesChanged'>): Router {
  const router = Router();
  const { store } = deps;
  router.get('/', async (_req, res) => {
    res.json({ silences: (await store.listSilences()).map(silenceResource) });
  });
  router.post('/', validate({ body: CreateSilenceBody }), async (req, res) => {
    const b = req.body;
    const silence = await store.createSilence({
      kind: b.kind,
      machineType: b.machine_type,
      machineId: b.machine_id,
      startsAt: new Date(b.starts_at),
      endsAt: new Date(b.ends_at),
      reason: b.reason,
      createdBy: b.created_by,
    });
    deps.onRulesChanged();
    res.status(201).json(silenceResource(silence));
  });
  router.delete('/:id', validate({ params: IdParams }), async (req, res) => {
    await store.deleteSilence(req.params.id);
    deps.onRulesChanged();
    res.status(204).end();
  });
  return router;
}
