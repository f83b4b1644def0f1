import { TOPICS } from '@industrialmind/contracts';
import { createMemoryEventBus, type OutgoingMessage } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { createPostgresRelationalStore } from '@industrialmind/relational-store';
import {
  createPostgresTestStore,
  requirePostgres,
  testDatabaseUrl,
} from '@industrialmind/relational-store/testing';
import { waitFor } from '@industrialmind/testing';
import { createWebhookSender } from '../src/notifier/senders';
import { createService } from '../src/service';
import { anomaly, startHttpReceiver, testSettings } from '../src/testing';

beforeAll(() => requirePostgres());

describe('alerts on a real PostgreSQL', () => {
  it('storm: 20,000 anomaly events for 50 machines → 50 open alerts with every event counted, notifications within the cap', async () => {
    const db = await createPostgresTestStore({ prefix: 'alerts-storm', poolMax: 8 });
    const bus = createMemoryEventBus();
    const webhook = await startHttpReceiver();
    const cap = 10;
    const sut = createService({
      settings: testSettings({
        groupId: 'storm',
        dispatcher: { ...testSettings().dispatcher, ratePerMinute: { webhook: cap } },
      }),
      logger: createCapturedLogger({ level: 'warn' }).logger,
      ports: { bus, store: db.store },
      senders: { webhook: createWebhookSender({ url: webhook.url }) },
    });
    try {
      await sut.start();
      const machines = Array.from({ length: 50 }, (_, i) => `storm-${i}`);
      const perMachine = 400;
      const messages: OutgoingMessage[] = [];
      for (let n = 0; n < perMachine; n++) for (const m of machines) messages.push(anomaly(m, n));
      const started = Date.now();
      for (let i = 0; i < messages.length; i += 2000)
        await bus.publish(TOPICS.ANOMALY_DETECTED, messages.slice(i, i + 2000));
      await waitFor(
        async () => {
          const open = await db.store.listAlerts({ status: ['open'], limit: 1000 });
          return open.reduce((sum, a) => sum + a.eventCount, 0) === messages.length;
        },
        { timeoutMs: 60_000, intervalMs: 200, description: 'all 20,000 events counted' },
      );
      const elapsedMs = Date.now() - started;
      expect(elapsedMs).toBeLessThan(60_000);
      const open = await db.store.listAlerts({ status: ['open'], limit: 1000 });
      expect(open).toHaveLength(50);
      expect(open.map((a) => a.machineId).sort()).toEqual([...machines].sort());
      for (const a of open) expect(a.eventCount).toBe(perMachine);

      // Redelivery of the whole storm changes nothing.
      await sut.stop();
      const again = createService({
        settings: testSettings({ groupId: 'storm-replay', dispatch: false }),
        logger: createCapturedLogger({ level: 'warn' }).logger,
        ports: { bus, store: db.store },
        senders: {},
      });
      await again.start();
      await waitFor(
        async () => {
          const lag = await bus.consumerLag('storm-replay', [TOPICS.ANOMALY_DETECTED]);
          return lag.every((p) => p.lag === 0);
        },
        { timeoutMs: 60_000 },
      );
      await again.stop();
      const after = await db.store.listAlerts({ status: ['open'], limit: 1000 });
      expect(after.map((a) => a.eventCount)).toEqual(open.map((a) => a.eventCount));

      // 50 notifications queued, at most `cap` sent within the minute, the rest waiting (not dropped).
      const notifications = await db.store.listNotifications();
      expect(notifications).toHaveLength(50);
      expect(webhook.received.length).toBeLessThanOrEqual(cap);
      expect(webhook.received.length).toBeGreaterThan(0);
      expect(notifications.filter((n) => n.status === 'pending')).toHaveLength(50 - webhook.received.length);
    } finally {
      await sut.stop();
      await bus.close();
      await webhook.close();
      await db.store.close();
      await db.drop();
    }
  });

  it('concurrency: the same event handled by two consumer instances at once makes one alert', async () => {
    const db = await createPostgresTestStore({ prefix: 'alerts-race' });
    const peerStore = createPostgresRelationalStore({ url: testDatabaseUrl(), schema: db.schema });
    const bus = createMemoryEventBus();
    const make = (groupId: string, store: typeof db.store) =>
      createService({
        settings: testSettings({ groupId, dispatch: false }),
        logger: createCapturedLogger({ level: 'warn' }).logger,
        ports: { bus, store },
        senders: { webhook: createWebhookSender({ url: 'http://127.0.0.1:9/unused' }) },
      });
    // Two instances in different consumer groups: each receives every event, as after a rebalance or a replay.
    const a = make('race-a', db.store);
    const b = make('race-b', peerStore);
    try {
      await Promise.all([a.start(), b.start()]);
      for (let round = 0; round < 20; round++)
        await bus.publish(TOPICS.ANOMALY_DETECTED, [
          anomaly(`race-${round}`, 0),
          anomaly(`race-${round}`, 1),
        ]);
      await waitFor(
        async () => {
          const lags = await Promise.all(
            ['race-a', 'race-b'].map((g) => bus.consumerLag(g, [TOPICS.ANOMALY_DETECTED])),
          );
          return lags.flat().every((p) => p.lag === 0);
        },
        { timeoutMs: 30_000 },
      );
      const alerts = await db.store.listAlerts({ limit: 1000 });
      expect(alerts).toHaveLength(20);
      for (const alert of alerts) expect(alert.eventCount).toBe(2);
      const notifications = await db.store.listNotifications();
      expect(notifications).toHaveLength(20);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await bus.close();
      await peerStore.close();
      await db.store.close();
      await db.drop();
    }
  });
});
