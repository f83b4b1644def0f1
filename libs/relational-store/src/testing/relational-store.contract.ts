import { ErrorCode } from '@industrialmind/errors';
import { uniqueName } from '@industrialmind/testing';
import type { AlertSignal, RelationalStore, RuleInput } from '../port';

/** What each adapter's test supplies to the shared contract suite. */
export interface RelationalStoreHarness {
  /** A connected (migrated) store with empty tables; the suite closes it after each test. */
  create(): Promise<RelationalStore>;
  /** A second store on the same database (another process's view), for concurrency; closed by the suite. */
  createPeer?(of: RelationalStore): Promise<RelationalStore>;
  /** Removes what `create` made (drops the schema); called after `close`. */
  destroy?(store: RelationalStore): Promise<void>;
  timeoutMs?: number;
}

const T0 = Date.UTC(2026, 0, 1);

export function signal(machineId: string, n: number, extra: Partial<AlertSignal> = {}): AlertSignal {
  return {
    signalKey: `${machineId}:ev-1:r-${n}`,
    machineId,
    machineType: 'pump',
    causeKey: 'anomaly',
    causeKind: 'anomaly',
    summary: `anomaly on ${machineId}`,
    severity: 'medium',
    occurredAt: new Date(T0 + n * 1000),
    sourceEventId: 'ev-1',
    readingId: `r-${n}`,
    score: 0.9,
    modelVersion: 'ae@1',
    ...extra,
  };
}

const rule: RuleInput = {
  name: 'pump vibration',
  enabled: true,
  kind: 'anomaly',
  machineType: 'pump',
  machineId: null,
  minScore: 0.8,
  hysteresis: 0.1,
  minDurationSec: 0,
  rulHorizon: null,
  severity: 'medium',
  severityMap: [{ minScore: 0.95, severity: 'high' }],
};

/**
 * The RelationalStore contract: run against PGlite and a real PostgreSQL alike. Every test gets an empty
 * database (a fresh schema) from the harness.
 */
export function describeRelationalStoreContract(name: string, harness: RelationalStoreHarness): void {
  const timeout = harness.timeoutMs ?? 30_000;
  describe(`RelationalStore contract: ${name}`, () => {
    let sut: RelationalStore;
    beforeEach(async () => {
      sut = await harness.create();
    }, timeout);
    afterEach(async () => {
      await sut.close();
      await harness.destroy?.(sut);
    }, timeout);

    it(
      'opens one alert per machine and cause and counts each signal once, however often it arrives',
      async () => {
        const m = uniqueName('m');
        const first = await sut.recordSignals([signal(m, 1), signal(m, 2), signal(m, 2)]);
        expect(first).toHaveLength(1);
        expect(first[0]).toMatchObject({ opened: true, newSignals: 2, escalated: false });
        expect(first[0]!.alert).toMatchObject({
          machineId: m,
          causeKey: 'anomaly',
          status: 'open',
          eventCount: 2,
        });
        expect(first[0]!.alert.firstEventAt).toEqual(new Date(T0 + 1000));

        expect(await sut.recordSignals([signal(m, 1), signal(m, 2)])).toEqual([]);
        const more = await sut.recordSignals([signal(m, 2), signal(m, 3)]);
        expect(more[0]).toMatchObject({ opened: false, newSignals: 1 });
        expect(more[0]!.alert).toMatchObject({ id: first[0]!.alert.id, eventCount: 3 });
        expect(more[0]!.alert.lastEventAt).toEqual(new Date(T0 + 3000));

        const other = await sut.recordSignals([signal(m, 1, { signalKey: `${m}:rul:1`, causeKey: 'rul' })]);
        expect(other[0]!.opened).toBe(true);
        expect(await sut.countAlerts({ machineId: m, status: ['open'] })).toBe(2);
      },
      timeout,
    );

    it(
      'makes one alert and one count when the same signals are recorded concurrently',
      async () => {
        const peer = harness.createPeer ? await harness.createPeer(sut) : sut;
        try {
          const m = uniqueName('m');
          const batch = [signal(m, 1), signal(m, 2)];
          const results = await Promise.all([
            sut.recordSignals(batch),
            peer.recordSignals(batch),
            sut.recordSignals([signal(m, 2)]),
            peer.recordSignals([signal(m, 3)]),
          ]);
          expect(results.flat().filter((c) => c.opened)).toHaveLength(1);
          const alerts = await sut.listAlerts({ machineId: m });
          expect(alerts).toHaveLength(1);
          expect(alerts[0]!.eventCount).toBe(3);
        } finally {
          if (peer !== sut) await peer.close();
        }
      },
      timeout,
    );

    it(
      'starts a new episode after resolution and keeps the resolved one with its reason as feedback',
      async () => {
        const m = uniqueName('m');
        const [opened] = await sut.recordSignals([signal(m, 1)]);
        const id = opened!.alert.id;
        await expect(
          sut.resolve(id, { actor: 'ana', reason: 'confirmed_fault', note: 'bearing' }),
        ).resolves.toMatchObject({
          status: 'resolved',
          resolvedBy: 'ana',
          resolutionReason: 'confirmed_fault',
          acknowledgedBy: 'ana',
        });
        expect(await sut.getFeedback(id)).toMatchObject({
          alertId: id,
          machineId: m,
          reason: 'confirmed_fault',
          note: 'bearing',
          modelVersion: 'ae@1',
          labelledBy: 'ana',
        });
        const [next] = await sut.recordSignals([signal(m, 2)]);
        expect(next!.opened).toBe(true);
        expect(next!.alert.id).not.toBe(id);
        expect((await sut.getAlert(id)).eventCount).toBe(1);
        await expect(sut.resolve(id, { actor: 'ana', reason: 'false_positive' })).rejects.toMatchObject({
          code: ErrorCode.CONFLICT,
        });
      },
      timeout,
    );

    it(
      'walks the lifecycle with history, assignment and comments, refusing steps that do not apply',
      async () => {
        const m = uniqueName('m');
        const [c] = await sut.recordSignals([signal(m, 1)]);
        const id = c!.alert.id;
        await sut.assign(id, 'bob', 'ana');
        const acked = await sut.acknowledge(id, 'bob');
        expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'bob', assignee: 'bob' });
        await expect(sut.acknowledge(id, 'bob')).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
        const comment = await sut.addComment(id, 'bob', 'replaced the bearing');
        expect(comment).toMatchObject({ alertId: id, author: 'bob', body: 'replaced the bearing' });
        expect(await sut.listComments(id)).toEqual([comment]);
        await sut.resolve(id, { actor: 'bob', reason: 'planned_work' });
        await expect(sut.assign(id, 'carl', 'ana')).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
        const history = await sut.history(id);
        expect(history.map((h) => [h.action, h.actor, h.fromStatus, h.toStatus])).toEqual([
          ['opened', 'system', null, 'open'],
          ['assigned', 'ana', 'open', 'open'],
          ['acknowledged', 'bob', 'open', 'acknowledged'],
          ['commented', 'bob', null, null],
          ['resolved', 'bob', 'acknowledged', 'resolved'],
        ]);
        expect(history[1]!.details).toEqual({ from: null, to: 'bob' });
        const missing = '00000000-0000-4000-8000-000000000000';
        await expect(sut.getAlert(missing)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
        await expect(sut.acknowledge(missing, 'x')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
        await expect(sut.addComment(missing, 'x', 'y')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
        await expect(sut.history(missing)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      },
      timeout,
    );

    it(
      'raises severity, never lowers it, and records the raise',
      async () => {
        const m = uniqueName('m');
        await sut.recordSignals([signal(m, 1)]);
        const [raised] = await sut.recordSignals([signal(m, 2, { severity: 'critical' })]);
        expect(raised).toMatchObject({ escalated: true, alert: { severity: 'critical' } });
        const [same] = await sut.recordSignals([signal(m, 3, { severity: 'low' })]);
        expect(same).toMatchObject({ escalated: false, alert: { severity: 'critical', eventCount: 3 } });
        const history = await sut.history(raised!.alert.id);
        expect(history.map((h) => h.action)).toEqual(['opened', 'severity_raised']);
      },
      timeout,
    );

    it(
      'stores signals that may not open (silenced) or have not lasted long enough, and attaches the episode later',
      async () => {
        const m = uniqueName('m');
        expect(await sut.recordSignals([signal(m, 1, { mayOpen: false })])).toEqual([]);
        const longer = { minDurationSec: 5 };
        expect(await sut.recordSignals([signal(m, 2, longer), signal(m, 4, longer)])).toEqual([]);
        expect(await sut.countAlerts({ machineId: m })).toBe(0);
        const [c] = await sut.recordSignals([signal(m, 7, longer)]);
        expect(c).toMatchObject({ opened: true, alert: { eventCount: 4 } });
        expect(c!.alert.firstEventAt).toEqual(new Date(T0 + 1000));
      },
      timeout,
    );

    it(
      'keeps rules, silences and equipment',
      async () => {
        const created = await sut.createRule(rule);
        expect(created).toMatchObject(rule);
        const updated = await sut.updateRule(created.id, { minScore: 0.7, severityMap: [] });
        expect(updated).toMatchObject({ minScore: 0.7, severityMap: [], name: rule.name });
        expect(await sut.getRule(created.id)).toEqual(updated);
        expect((await sut.listRules()).map((r) => r.id)).toEqual([created.id]);
        await sut.deleteRule(created.id);
        await expect(sut.getRule(created.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
        await expect(sut.deleteRule(created.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
        await expect(sut.updateRule(created.id, { name: 'x' })).rejects.toMatchObject({
          code: ErrorCode.NOT_FOUND,
        });

        const window = {
          kind: 'maintenance' as const,
          machineType: null,
          machineId: 'm-1',
          startsAt: new Date(T0),
          endsAt: new Date(T0 + 3_600_000),
          reason: 'bearing swap',
          createdBy: 'ana',
        };
        const silence = await sut.createSilence(window);
        expect(await sut.listSilences(new Date(T0 + 60_000))).toEqual([silence]);
        expect(await sut.listSilences(new Date(T0 + 3_600_000))).toEqual([]);
        await expect(sut.createSilence({ ...window, endsAt: window.startsAt })).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
        });
        await sut.deleteSilence(silence.id);
        expect(await sut.listSilences()).toEqual([]);

        const eq = { id: 'm-1', name: 'Pump 1', machineType: 'pump', line: 'line-a', location: null };
        expect(await sut.upsertEquipment(eq)).toEqual(eq);
        expect(await sut.upsertEquipment({ ...eq, line: 'line-b' })).toEqual({ ...eq, line: 'line-b' });
        expect(await sut.getEquipment('m-1')).toEqual({ ...eq, line: 'line-b' });
        expect(await sut.getEquipment('nope')).toBeNull();
      },
      timeout,
    );

    it(
      'writes notifications with the alert that opens, leases them once, retries and dead-letters them',
      async () => {
        const m = uniqueName('m');
        const [c] = await sut.recordSignals([signal(m, 1), signal(m, 2)], {
          notificationsFor: (alert) => [
            {
              channel: 'webhook',
              kind: 'opened',
              idempotencyKey: `${alert.id}:opened:webhook`,
              payload: { a: 1 },
            },
            {
              channel: 'email',
              kind: 'opened',
              idempotencyKey: `${alert.id}:opened:email`,
              payload: { b: 2 },
            },
          ],
        });
        // Only opening queues notifications.
        await sut.recordSignals([signal(m, 3)], {
          notificationsFor: () => [{ channel: 'x', kind: 'y', idempotencyKey: 'z', payload: {} }],
        });
        const now = new Date();
        const claimed = await sut.claimNotifications({
          channels: ['webhook'],
          limit: 10,
          leaseMs: 60_000,
          now,
        });
        expect(claimed).toHaveLength(1);
        expect(claimed[0]).toMatchObject({
          alertId: c!.alert.id,
          channel: 'webhook',
          payload: { a: 1 },
          attempts: 1,
        });
        expect(
          await sut.claimNotifications({ channels: ['webhook'], limit: 10, leaseMs: 60_000, now }),
        ).toEqual([]);
        // The lease of a crashed sender expires and the notification is claimed again.
        const later = new Date(now.getTime() + 61_000);
        const again = await sut.claimNotifications({
          channels: ['webhook'],
          limit: 10,
          leaseMs: 1000,
          now: later,
        });
        expect(again.map((n) => [n.id, n.attempts])).toEqual([[claimed[0]!.id, 2]]);
        await sut.markNotificationSent(claimed[0]!.id);
        expect(await sut.countSentNotifications('webhook', now)).toBe(1);
        expect(
          await sut.claimNotifications({
            channels: ['webhook'],
            limit: 10,
            leaseMs: 1000,
            now: new Date(later.getTime() + 5000),
          }),
        ).toEqual([]);

        const [email] = await sut.claimNotifications({ limit: 10, leaseMs: 1000, now });
        expect(email!.channel).toBe('email');
        await sut.markNotificationFailed(email!.id, 'smtp down', new Date(now.getTime() + 10_000));
        expect(await sut.claimNotifications({ limit: 10, leaseMs: 1000, now })).toEqual([]);
        const [retry] = await sut.claimNotifications({
          limit: 10,
          leaseMs: 1000,
          now: new Date(now.getTime() + 10_000),
        });
        expect(retry).toMatchObject({ id: email!.id, lastError: 'smtp down', attempts: 2 });
        await sut.markNotificationFailed(email!.id, 'rejected', null);
        expect(await sut.listNotifications({ status: 'dead' })).toMatchObject([
          { id: email!.id, lastError: 'rejected' },
        ]);
        expect(await sut.listNotifications({ alertId: c!.alert.id })).toHaveLength(2);
      },
      timeout,
    );

    it(
      'schedules reminders for unacknowledged alerts and escalates each time one is sent',
      async () => {
        const m = uniqueName('m');
        const [c] = await sut.recordSignals([signal(m, 1)]);
        const id = c!.alert.id;
        const now = new Date(T0 + 60_000);
        expect((await sut.dueReminders(now, 10)).map((a) => a.id)).toEqual([id]);
        const first = await sut.recordReminder(id, new Date(T0 + 120_000), [
          { channel: 'email', kind: 'reminder', idempotencyKey: `${id}:r0`, payload: {} },
        ]);
        expect(first).toMatchObject({ escalationLevel: 0 });
        expect(await sut.listNotifications({ alertId: id })).toEqual([]);
        expect(await sut.dueReminders(now, 10)).toEqual([]);
        const due = new Date(T0 + 120_000);
        expect((await sut.dueReminders(due, 10)).map((a) => a.id)).toEqual([id]);
        const second = await sut.recordReminder(id, new Date(T0 + 180_000), [
          { channel: 'email', kind: 'reminder', idempotencyKey: `${id}:r1`, payload: { level: 1 } },
        ]);
        expect(second).toMatchObject({ escalationLevel: 1 });
        expect(await sut.listNotifications({ alertId: id })).toMatchObject([
          { kind: 'reminder', payload: { level: 1 } },
        ]);
        await sut.acknowledge(id, 'ana');
        expect(await sut.dueReminders(new Date(T0 + 10_000_000), 10)).toEqual([]);
        expect(await sut.recordReminder(id, new Date(), [])).toBeNull();
      },
      timeout,
    );

    it(
      'lists alerts newest first with filters',
      async () => {
        const a = uniqueName('a');
        const b = uniqueName('b');
        await sut.recordSignals([signal(a, 1, { groupKey: 'line-1' })]);
        await new Promise((r) => setTimeout(r, 5));
        const [cb] = await sut.recordSignals([signal(b, 1, { groupKey: 'line-1' })]);
        await sut.acknowledge(cb!.alert.id, 'ana');
        expect((await sut.listAlerts({ groupKey: 'line-1' })).map((x) => x.machineId)).toEqual([b, a]);
        expect((await sut.listAlerts({ status: ['acknowledged'] })).map((x) => x.machineId)).toEqual([b]);
        expect((await sut.listAlerts({ limit: 1 })).map((x) => x.machineId)).toEqual([b]);
        expect(await sut.countAlerts({ status: ['open', 'acknowledged'] })).toBe(2);
        const older = await sut.listAlerts({ before: cb!.alert.createdAt });
        expect(older.map((x) => x.machineId)).toEqual([a]);
      },
      timeout,
    );

    it(
      'answers ping and refuses work after close',
      async () => {
        await sut.ping();
        await sut.connect();
        const other = await harness.create();
        await other.close();
        await expect(other.ping()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
        await expect(other.connect()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
        await other.close();
        await harness.destroy?.(other);
      },
      timeout,
    );
  });
}
