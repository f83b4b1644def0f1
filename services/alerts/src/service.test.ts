import { TOPICS, parseAlert } from '@industrialmind/contracts';
import { createMemoryEventBus, type MemoryEventBus } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { createPgliteRelationalStore, type RelationalStore } from '@industrialmind/relational-store';
import { waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { createWebhookSender, createEmailSender } from './notifier/senders';
import { createService, type AlertsService } from './service';
import {
  anomaly,
  prediction,
  startHttpReceiver,
  startSmtpReceiver,
  testSettings,
  type HttpReceiver,
  type SmtpReceiver,
} from './testing';

describe('alerts service (lite: PGlite and the in-memory bus)', () => {
  let bus: MemoryEventBus;
  let store: RelationalStore;
  let sut: AlertsService;
  let webhook: HttpReceiver;
  let smtp: SmtpReceiver;
  const published: unknown[] = [];

  beforeAll(async () => {
    bus = createMemoryEventBus();
    store = createPgliteRelationalStore();
    webhook = await startHttpReceiver();
    smtp = await startSmtpReceiver();
    sut = createService({
      settings: testSettings({ reminderIntervalMs: 0 }),
      logger: createCapturedLogger().logger,
      ports: { bus, store },
      senders: {
        webhook: createWebhookSender({ url: webhook.url }),
        email: createEmailSender({ url: smtp.url, from: 'alerts@test', to: ['ops@test'] }),
      },
    });
    await sut.start();
    await bus.subscribe({ topics: [TOPICS.ALERTS], groupId: 'observer' }, async (batch) => {
      for (const m of batch) published.push(JSON.parse(m.value.toString('utf8')));
    });
  });

  afterAll(async () => {
    await sut.stop();
    await bus.close();
    await store.close();
    await webhook.close();
    await smtp.close();
  });

  it('turns a burst with duplicates into one alert per machine and cause, notified once per channel', async () => {
    const burst = [
      ...[0, 1, 2, 3, 4].map((n) => anomaly('pump-1', n)),
      anomaly('pump-1', 2),
      ...[0, 1, 2].map((n) => anomaly('pump-2', n)),
      anomaly('pump-3', 0, { isAnomaly: false, score: 0.1 }),
      prediction('pump-1', 8),
      prediction('pump-2', 500),
    ];
    await bus.publish(
      TOPICS.ANOMALY_DETECTED,
      burst.filter((m) => !String(m.value).includes('predicted_rul')),
    );
    await bus.publish(
      TOPICS.MAINTENANCE_PREDICTIONS,
      burst.filter((m) => String(m.value).includes('predicted_rul')),
    );
    await bus.publish(TOPICS.ANOMALY_DETECTED, [{ key: 'x', value: '{"not":"an event"}' }]);

    const alerts = await waitFor(async () => {
      const list = await store.listAlerts({ status: ['open'] });
      return list.length === 3 && list.every((a) => a.eventCount > 0) ? list : null;
    });
    const byKey = Object.fromEntries(alerts.map((a) => [`${a.machineId}/${a.causeKey}`, a]));
    expect(Object.keys(byKey).sort()).toEqual(['pump-1/anomaly', 'pump-1/rul', 'pump-2/anomaly']);
    expect(byKey['pump-1/anomaly']!.eventCount).toBe(5);
    expect(byKey['pump-2/anomaly']!.eventCount).toBe(3);
    expect(byKey['pump-1/rul']).toMatchObject({ severity: 'critical', eventCount: 1 });

    await waitFor(() => webhook.received.length >= 3 && smtp.received.length >= 3, { timeoutMs: 15_000 });
    expect(webhook.uniqueKeys()).toEqual(new Set(alerts.map((a) => `${a.id}:opened:webhook`)));
    expect(smtp.uniqueKeys()).toEqual(new Set(alerts.map((a) => `${a.id}:opened:email`)));
    expect(smtp.received[0]!.messageId).toMatch(/@industrialmind>$/);

    await waitFor(() => published.length >= 3);
    for (const message of published) expect(parseAlert(message).ok).toBe(true);

    const dlq = await waitFor(async () => {
      const lag = await bus.consumerLag('alerts-test', [TOPICS.ANOMALY_DETECTED]);
      return lag.every((p) => p.lag === 0) ? lag : null;
    });
    expect(dlq.length).toBeGreaterThan(0);
  });

  it('serves the lifecycle over REST with 400, 404 and 409 that name the problem', async () => {
    const [alert] = await store.listAlerts({ machineId: 'pump-2' });
    const id = alert!.id;
    const app = sut.app;

    const list = await request(app).get('/alerts?status=open&machine_id=pump-2').expect(200);
    expect(list.body.alerts.map((a: { alert_id: string }) => a.alert_id)).toEqual([id]);
    expect(list.body.alerts[0]).toMatchObject({ event_count: 3, cause_key: 'anomaly', status: 'open' });

    const bad = await request(app).get('/alerts?status=closed').expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details[0]).toMatchObject({ location: 'query', path: 'status.0' });
    await request(app).get('/alerts/not-a-uuid').expect(400);
    const missing = await request(app).get('/alerts/00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');

    const noActor = await request(app).post(`/alerts/${id}/acknowledge`).send({}).expect(400);
    expect(noActor.body.error.details[0]).toMatchObject({ location: 'body', path: 'actor' });
    await request(app).post(`/alerts/${id}/assign`).send({ actor: 'ana', assignee: 'bob' }).expect(200);
    const acked = await request(app).post(`/alerts/${id}/acknowledge`).send({ actor: 'bob' }).expect(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledged_by: 'bob', assignee: 'bob' });
    const again = await request(app).post(`/alerts/${id}/acknowledge`).send({ actor: 'bob' }).expect(409);
    expect(again.body.error.code).toBe('CONFLICT');

    await request(app).post(`/alerts/${id}/comments`).send({ author: 'bob', body: 'on it' }).expect(201);
    const comments = await request(app).get(`/alerts/${id}/comments`).expect(200);
    expect(comments.body.comments).toMatchObject([{ author: 'bob', body: 'on it' }]);

    const badReason = await request(app)
      .post(`/alerts/${id}/resolve`)
      .send({ actor: 'bob', reason: 'fixed' })
      .expect(400);
    expect(badReason.body.error.details[0]).toMatchObject({ path: 'reason' });
    const resolved = await request(app)
      .post(`/alerts/${id}/resolve`)
      .send({ actor: 'bob', reason: 'sensor_fault', note: 'loose cable' })
      .expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution_reason: 'sensor_fault' });
    expect(await store.getFeedback(id)).toMatchObject({ reason: 'sensor_fault', note: 'loose cable' });
    const history = await request(app).get(`/alerts/${id}/history`).expect(200);
    expect(history.body.history.map((h: { action: string }) => h.action)).toEqual([
      'opened',
      'assigned',
      'acknowledged',
      'commented',
      'resolved',
    ]);
    await waitFor(() =>
      published.some(
        (p) =>
          (p as { status: string; alert_id: string }).alert_id === id &&
          (p as { status: string }).status === 'resolved',
      ),
    );
  });

  it('manages rules and silences, and applies them to new events', async () => {
    const app = sut.app;
    const noHorizon = await request(app).post('/rules').send({ name: 'rul', kind: 'rul' }).expect(400);
    expect(noHorizon.body.error.details[0]).toMatchObject({ path: 'rul_horizon' });
    await request(app).post('/rules').send({ name: 'x', kind: 'anomaly', extra: 1 }).expect(400);
    const created = await request(app)
      .post('/rules')
      .send({
        name: 'pump-9 strict',
        kind: 'anomaly',
        machine_id: 'pump-9',
        min_score: 0.95,
        severity: 'high',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      machine_id: 'pump-9',
      min_score: 0.95,
      severity: 'high',
      enabled: true,
    });
    const patched = await request(app)
      .patch(`/rules/${created.body.id}`)
      .send({ min_score: 0.99 })
      .expect(200);
    expect(patched.body.min_score).toBe(0.99);
    expect((await request(app).get('/rules').expect(200)).body.rules).toHaveLength(1);
    await request(app).get(`/rules/${created.body.id}`).expect(200);

    const window = await request(app)
      .post('/silences')
      .send({
        kind: 'maintenance',
        machine_id: 'pump-8',
        starts_at: '2025-01-01T00:00:00Z',
        ends_at: '2099-01-01T00:00:00Z',
        reason: 'overhaul',
        created_by: 'ana',
      })
      .expect(201);
    const badWindow = await request(app)
      .post('/silences')
      .send({
        kind: 'silence',
        starts_at: '2026-01-02T00:00:00Z',
        ends_at: '2026-01-01T00:00:00Z',
        reason: 'x',
        created_by: 'a',
      })
      .expect(400);
    expect(badWindow.body.error.details[0]).toMatchObject({ path: 'ends_at' });
    expect((await request(app).get('/silences').expect(200)).body.silences).toHaveLength(1);

    // Below pump-9's rule, and pump-8 in maintenance: no alert; pump-7 has no rule: alert.
    await bus.publish(TOPICS.ANOMALY_DETECTED, [
      anomaly('pump-9', 0, { score: 0.97 }),
      anomaly('pump-8', 0),
      anomaly('pump-7', 0),
    ]);
    await waitFor(async () => (await store.countAlerts({ machineId: 'pump-7' })) === 1);
    expect(await store.countAlerts({ machineId: 'pump-9' })).toBe(0);
    expect(await store.countAlerts({ machineId: 'pump-8' })).toBe(0);

    await request(app).delete(`/rules/${created.body.id}`).expect(204);
    await request(app).delete(`/rules/${created.body.id}`).expect(404);
    await request(app).delete(`/silences/${window.body.id}`).expect(204);
  });

  it('relays changes made by another instance to this instance’s stream', async () => {
    const peer = createService({
      settings: testSettings({ groupId: 'peer', consume: false, dispatch: false }),
      logger: createCapturedLogger().logger,
      ports: { bus, store },
      senders: {},
    });
    await peer.start();
    const seen: Array<{ change: string; alert: unknown }> = [];
    const off = peer.hub.onChange((e) => seen.push(e));
    try {
      const [alert] = await store.listAlerts({ machineId: 'pump-1', status: ['open'] });
      await request(sut.app).post(`/alerts/${alert!.id}/acknowledge`).send({ actor: 'carl' }).expect(200);
      const relayed = await waitFor(() => seen.find((e) => e.change === 'acknowledged'));
      expect(relayed.alert).toMatchObject({
        alert_id: alert!.id,
        status: 'acknowledged',
        acknowledged_by: 'carl',
      });
      // The instance that made the change streams it once, not again from the topic.
      const own: string[] = [];
      const offOwn = sut.hub.onChange((e) => own.push(e.change));
      await request(peer.app)
        .post(`/alerts/${alert!.id}/assign`)
        .send({ actor: 'carl', assignee: 'dora' })
        .expect(200);
      await waitFor(() => own.includes('assigned'));
      await new Promise((r) => setTimeout(r, 200));
      expect(own.filter((c) => c === 'assigned')).toHaveLength(1);
      expect(seen.filter((e) => e.change === 'assigned')).toHaveLength(1);
      offOwn();
    } finally {
      off();
      await peer.stop();
    }
  });

  it('streams alert changes to server-sent-event clients', async () => {
    const server = sut.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/alerts/stream`, { signal: controller.signal });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body!.getReader();
      await waitFor(() => sut.hub.clients > 0);
      await bus.publish(TOPICS.ANOMALY_DETECTED, [anomaly('pump-6', 0)]);
      let text = '';
      while (!text.includes('event: alert')) text += new TextDecoder().decode((await reader.read()).value);
      const data = JSON.parse(/data: (.+)\n/.exec(text)![1]!);
      expect(data).toMatchObject({ change: 'opened', alert: { machine_id: 'pump-6', status: 'open' } });
    } finally {
      controller.abort();
      server.close();
    }
  });
});
