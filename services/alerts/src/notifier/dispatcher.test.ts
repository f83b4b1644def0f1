import { createCapturedLogger } from '@industrialmind/logger/testing';
import { createPgliteRelationalStore, type RelationalStore } from '@industrialmind/relational-store';
import { signal } from '@industrialmind/relational-store/testing';
import { notificationsFor } from '../domain/messages';
import { startHttpReceiver, type HttpReceiver } from '../testing';
import { ReminderScheduler } from '../reminders';
import { NotificationDispatcher } from './dispatcher';
import { createSlackSender, createWebhookSender } from './senders';

const options = {
  ratePerMinute: { webhook: 3 },
  pollMs: 10,
  leaseMs: 5_000,
  maxAttempts: 3,
  initialBackoffMs: 1,
  maxBackoffMs: 2,
  batchSize: 50,
};

describe(NotificationDispatcher.name, () => {
  let store: RelationalStore;
  let receiver: HttpReceiver;
  beforeAll(async () => {
    store = createPgliteRelationalStore();
    await store.connect();
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await store.close();
    await receiver.close();
  });

  async function open(machines: string[], channels: string[]) {
    const changes = await store.recordSignals(
      machines.map((m) => signal(m, 1)),
      { notificationsFor: (a) => notificationsFor(a, channels, 'opened') },
    );
    return changes.map((c) => c.alert);
  }

  it('sends within the per-minute cap, retries server errors and dead-letters refusals', async () => {
    const captured = createCapturedLogger();
    const sut = new NotificationDispatcher(
      {
        store,
        senders: {
          webhook: createWebhookSender({ url: receiver.url }),
          slack: createSlackSender({ url: receiver.url }),
        },
        logger: captured.logger,
      },
      options,
    );
    const alerts = await open(['d-1', 'd-2', 'd-3', 'd-4'], ['webhook']);
    receiver.failNext(1, 503);
    const first = await sut.tick();
    expect(first).toEqual({ sent: 2, failed: 1, dead: 0 });
    await new Promise((r) => setTimeout(r, 10));
    // The cap is 3 per minute: one more now, the fourth waits.
    expect(await sut.tick()).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(await sut.tick()).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(receiver.uniqueKeys()).toHaveProperty('size', 3);
    const later = new Date(Date.now() + 61_000);
    expect(await sut.tick(later)).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(receiver.uniqueKeys()).toEqual(new Set(alerts.map((a) => `${a.id}:opened:webhook`)));
    expect(captured.find('notification failed, will retry')).toMatchObject({ channel: 'webhook' });

    const [slackAlert] = await open(['d-5'], ['slack']);
    receiver.failNext(1, 400);
    expect(await sut.tick(later)).toEqual({ sent: 0, failed: 0, dead: 1 });
    expect(await store.listNotifications({ alertId: slackAlert!.id, status: 'dead' })).toMatchObject([
      { lastError: expect.stringContaining('400') },
    ]);
    expect(captured.find('notification dead-lettered')).toMatchObject({
      event: 'alerts.notification.dead_lettered',
    });
    const [ok] = await open(['d-6'], ['slack']);
    await sut.tick(later);
    const slack = receiver.received.find((r) => r.key === `${ok!.id}:opened:slack`);
    expect(slack!.body).toMatchObject({ text: expect.stringContaining('alert on d-6') });
  });

  it('runs on its own until stopped', async () => {
    const sut = new NotificationDispatcher(
      {
        store,
        senders: { webhook: createWebhookSender({ url: receiver.url }) },
        logger: createCapturedLogger().logger,
      },
      { ...options, ratePerMinute: {} },
    );
    const [alert] = await open(['d-7'], ['webhook']);
    sut.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!receiver.uniqueKeys().has(`${alert!.id}:opened:webhook`) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(receiver.uniqueKeys().has(`${alert!.id}:opened:webhook`)).toBe(true);
    } finally {
      await sut.stop();
    }
  });
});

describe(ReminderScheduler.name, () => {
  it('reminds an unacknowledged alert every interval, raising its level, and stops once acknowledged', async () => {
    const store = createPgliteRelationalStore();
    await store.connect();
    try {
      const changed: number[] = [];
      const sut = new ReminderScheduler(
        {
          store,
          channels: ['email'],
          logger: createCapturedLogger().logger,
          onChange: (a) => changed.push(a.escalationLevel),
        },
        { intervalMs: 60_000, pollMs: 1000 },
      );
      const [c] = await store.recordSignals([signal('rem-1', 1)]);
      const opened = c!.alert.createdAt.getTime();
      expect(await sut.tick(new Date(opened + 1000))).toBe(0);
      expect(await sut.tick(new Date(opened + 30_000))).toBe(0);
      expect(await sut.tick(new Date(opened + 61_000))).toBe(1);
      expect(await sut.tick(new Date(opened + 62_000))).toBe(0);
      expect(await sut.tick(new Date(opened + 122_000))).toBe(1);
      expect(changed).toEqual([1, 2]);
      const queued = await store.listNotifications({ alertId: c!.alert.id });
      expect(queued.map((n) => n.idempotencyKey)).toEqual([
        `${c!.alert.id}:reminder-1:email`,
        `${c!.alert.id}:reminder-2:email`,
      ]);
      await store.acknowledge(c!.alert.id, 'ana');
      expect(await sut.tick(new Date(opened + 600_000))).toBe(0);
    } finally {
      await store.close();
    }
  });
});
