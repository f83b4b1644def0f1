import { AppError, ErrorCode, isAppError } from '@industrialmind/errors';
import { Prisma, type PrismaClient } from './generated/prisma/client';
import type {
  Alert,
  AlertChange,
  AlertFilter,
  AlertSignal,
  Comment,
  Equipment,
  Feedback,
  HistoryEntry,
  Notification,
  NotificationRequest,
  RecordSignalsOptions,
  RelationalStore,
  ResolutionReason,
  Rule,
  RuleInput,
  Severity,
  SeverityBand,
  Silence,
  SilenceInput,
} from './port';
import { SEVERITIES } from './port';

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** How one adapter connects: the Prisma client on its driver adapter, and how to migrate and close. */
export interface PrismaBackend {
  name: string;
  client: PrismaClient;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** PGlite runs one session: row locks are pointless there and SKIP LOCKED is not needed. */
  supportsSkipLocked: boolean;
}

const TX_OPTIONS = { maxWait: 15_000, timeout: 60_000 } as const;

// PostgreSQL SQLSTATEs that mean "try again": serialization failure, deadlock, lock timeout, admin shutdown...
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '08006']);
// Deadlock and serialization failure: PostgreSQL rolled the transaction back, so it can simply run again.
const CONFLICT_SQLSTATES = new Set(['40001', '40P01']);
/** Attempts of one operation aborted by such a conflict (the last one's error is thrown). */
export const CONFLICT_ATTEMPTS = 4;
const CONFLICT_BACKOFF_MS = 20;

/** True for an error that translateError made from a deadlock or serialization failure. */
export function isConflictAbort(error: AppError): boolean {
  const sqlState = (error.details as { sqlState?: unknown } | undefined)?.sqlState;
  return typeof sqlState === 'string' && CONFLICT_SQLSTATES.has(sqlState);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** Turns driver and Prisma errors into AppErrors with a retry hint; AppErrors pass through. */
export function translateError(err: unknown, operation: string): AppError {
  if (isAppError(err)) return err;
  const e = err as {
    code?: string;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
    message?: string;
    cause?: { code?: string; originalCode?: string };
  };
  const driverCause = e.meta?.driverAdapterError?.cause;
  const sqlState = driverCause?.originalCode ?? e.cause?.originalCode ?? e.cause?.code;
  const message = typeof e.message === 'string' ? e.message.split('\n').slice(-1)[0]! : String(err);
  if (e.code === 'P2025' || e.code === 'P2001')
    return new AppError(ErrorCode.NOT_FOUND, `${operation}: not found`, { cause: err });
  if (e.code === 'P2002')
    return new AppError(ErrorCode.CONFLICT, `${operation}: already exists`, { cause: err });
  if (sqlState && RETRYABLE_SQLSTATES.has(sqlState))
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `${operation}: ${message}`, {
      cause: err,
      details: { sqlState },
    });
  if (
    (e.code && CONNECTION_CODES.has(e.code)) ||
    (e.cause?.code && CONNECTION_CODES.has(e.cause.code)) ||
    driverCause?.kind === 'DatabaseNotReachable' ||
    e.code === 'P1001' ||
    e.code === 'P2024' ||
    e.code === 'P2028' ||
    /connect|terminat|closed|timeout|Transaction already closed/i.test(message)
  )
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `${operation}: database unavailable: ${message}`, {
      cause: err,
    });
  return new AppError(ErrorCode.INTERNAL, `${operation}: ${message}`, { cause: err, retryable: false });
}

function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows are untyped until mapped here */
function rowToAlert(r: any): Alert {
  return {
    id: r.id,
    machineId: r.machine_id,
    machineType: r.machine_type,
    causeKey: r.cause_key,
    causeKind: r.cause_kind,
    summary: r.summary,
    severity: r.severity,
    status: r.status,
    ruleId: r.rule_id ?? null,
    groupKey: r.group_key ?? null,
    sourceEventId: r.source_event_id ?? null,
    readingId: r.reading_id ?? null,
    modelVersion: r.model_version ?? null,
    eventCount: Number(r.event_count),
    firstEventAt: new Date(r.first_event_at),
    lastEventAt: new Date(r.last_event_at),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at) : null,
    acknowledgedBy: r.acknowledged_by ?? null,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    resolvedBy: r.resolved_by ?? null,
    resolutionReason: r.resolution_reason ?? null,
    assignee: r.assignee ?? null,
    escalationLevel: Number(r.escalation_level),
    nextReminderAt: r.next_reminder_at ? new Date(r.next_reminder_at) : null,
  };
}

function modelToRule(r: any): Rule {
  return { ...r, kind: r.kind, severityMap: (r.severityMap ?? []) as SeverityBand[] };
}

function modelToNotification(n: any): Notification {
  return {
    id: n.id,
    alertId: n.alertId ?? n.alert_id,
    channel: n.channel,
    kind: n.kind,
    idempotencyKey: n.idempotencyKey ?? n.idempotency_key,
    payload: n.payload,
    status: n.status,
    attempts: Number(n.attempts),
    nextAttemptAt: new Date(n.nextAttemptAt ?? n.next_attempt_at),
    lastError: n.lastError ?? n.last_error ?? null,
    createdAt: new Date(n.createdAt ?? n.created_at),
    sentAt: (n.sentAt ?? n.sent_at) ? new Date(n.sentAt ?? n.sent_at) : null,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const ALERT_COLUMNS = '*';

/** The RelationalStore on a Prisma client; the PostgreSQL and PGlite adapters differ only in the driver. */
export class PrismaRelationalStore implements RelationalStore {
  private connected: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly backend: PrismaBackend) {}

  private get db(): PrismaClient {
    if (this.closed)
      throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `relational store (${this.backend.name}) is closed`);
    return this.backend.client;
  }

  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const error = translateError(err, operation);
        // PostgreSQL aborted the whole statement or transaction to break a deadlock or a serialization conflict:
        // running it again is safe, and the other party has usually finished by then.
        if (attempt >= CONFLICT_ATTEMPTS || !isConflictAbort(error)) throw error;
        await sleep(CONFLICT_BACKOFF_MS * attempt * (0.5 + Math.random()));
      }
    }
  }

  connect(): Promise<void> {
    if (this.closed)
      return Promise.reject(
        new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `relational store (${this.backend.name}) is closed`),
      );
    this.connected ??= this.run('connect', () => this.backend.migrate()).catch((err) => {
      this.connected = null;
      throw err;
    });
    return this.connected;
  }

  async ping(): Promise<void> {
    await this.run('ping', () => this.db.$queryRawUnsafe('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }

  // ---- equipment -------------------------------------------------------------------------------------------

  async upsertEquipment(e: Equipment): Promise<Equipment> {
    return this.run('upsertEquipment', async () => {
      const data = { name: e.name, machineType: e.machineType, line: e.line, location: e.location };
      const row = await this.db.equipment.upsert({
        where: { id: e.id },
        create: { id: e.id, ...data },
        update: data,
      });
      return {
        id: row.id,
        name: row.name,
        machineType: row.machineType,
        line: row.line,
        location: row.location,
      };
    });
  }

  async getEquipment(id: string): Promise<Equipment | null> {
    return this.run('getEquipment', async () => {
      const row = await this.db.equipment.findUnique({ where: { id } });
      return row
        ? { id: row.id, name: row.name, machineType: row.machineType, line: row.line, location: row.location }
        : null;
    });
  }

  // ---- rules and silences ----------------------------------------------------------------------------------

  async createRule(input: RuleInput): Promise<Rule> {
    return this.run('createRule', async () =>
      modelToRule(
        await this.db.rule.create({
          data: { ...input, severityMap: input.severityMap as unknown as Prisma.InputJsonValue },
        }),
      ),
    );
  }

  async updateRule(id: string, patch: Partial<RuleInput>): Promise<Rule> {
    return this.run('updateRule', async () => {
      const { severityMap, ...rest } = patch;
      return modelToRule(
        await this.db.rule.update({
          where: { id },
          data: {
            ...rest,
            ...(severityMap ? { severityMap: severityMap as unknown as Prisma.InputJsonValue } : {}),
          },
        }),
      );
    });
  }

  async deleteRule(id: string): Promise<void> {
    await this.run('deleteRule', () => this.db.rule.delete({ where: { id } }));
  }

  async getRule(id: string): Promise<Rule> {
    return this.run('getRule', async () =>
      modelToRule(await this.db.rule.findUniqueOrThrow({ where: { id } })),
    );
  }

  async listRules(): Promise<Rule[]> {
    return this.run('listRules', async () =>
      (await this.db.rule.findMany({ orderBy: { createdAt: 'asc' } })).map(modelToRule),
    );
  }

  async createSilence(input: SilenceInput): Promise<Silence> {
    if (input.endsAt <= input.startsAt)
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'a silence must end after it starts', {
        details: { field: 'ends_at' },
      });
    return this.run('createSilence', async () => (await this.db.silence.create({ data: input })) as Silence);
  }

  async deleteSilence(id: string): Promise<void> {
    await this.run('deleteSilence', () => this.db.silence.delete({ where: { id } }));
  }

  async listSilences(at?: Date): Promise<Silence[]> {
    return this.run(
      'listSilences',
      async () =>
        (await this.db.silence.findMany({
          where: at ? { startsAt: { lte: at }, endsAt: { gt: at } } : {},
          orderBy: { startsAt: 'asc' },
        })) as Silence[],
    );
  }

  // ---- signals → alerts ------------------------------------------------------------------------------------

  async recordSignals(signals: AlertSignal[], options: RecordSignalsOptions = {}): Promise<AlertChange[]> {
    if (signals.length === 0) return [];
    const groups = new Map<string, AlertSignal[]>();
    for (const s of signals) {
      const key = `${s.machineId}\u0000${s.causeKey}`;
      const group = groups.get(key);
      if (group) group.push(s);
      else groups.set(key, [s]);
    }
    // A fixed lock order across callers: two consumers never wait on each other's alerts in a cycle.
    const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
    return this.run('recordSignals', () =>
      this.db.$transaction(async (tx) => {
        const changes: Array<AlertChange & { previousSeverity?: Severity }> = [];
        // Episodes whose alert is already open are extended in one statement for the whole batch (a storm's
        // common case); the others are opened one by one.
        const extended = await this.extendUnresolvedMany(tx, ordered);
        for (const group of ordered) {
          const key = `${group[0]!.machineId}\u0000${group[0]!.causeKey}`;
          const change = extended.has(key) ? extended.get(key)! : await this.recordGroup(tx, group, options);
          if (change) changes.push(change);
        }
        for (const c of changes)
          if (c.escalated && !c.opened)
            await this.appendHistory(tx, c.alert.id, 'system', 'severity_raised', null, null, {
              from: c.previousSeverity,
              to: c.alert.severity,
            });
        return changes.map(({ previousSeverity: _p, ...c }) => c);
      }, TX_OPTIONS),
    );
  }

  private async lockUnresolved(tx: Tx, machineId: string, causeKey: string): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT id::text AS id FROM alerts WHERE machine_id = $1 AND cause_key = $2 AND status <> 'resolved' ${
        this.backend.supportsSkipLocked ? 'FOR UPDATE' : ''
      }`,
      machineId,
      causeKey,
    );
    return rows[0]?.id ?? null;
  }

  private async insertSignals(tx: Tx, group: AlertSignal[], alertId: string | null) {
    const params: unknown[] = [];
    const values = group.map((s) => {
      params.push(
        s.signalKey,
        s.machineId,
        s.causeKey,
        s.sourceEventId ?? null,
        s.readingId ?? null,
        s.score ?? null,
        s.occurredAt.toISOString(),
      );
      const n = params.length;
      return `($${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}::double precision, $${n}::timestamptz, ${
        alertId ? `'${alertId}'::uuid` : 'NULL::uuid'
      })`;
    });
    return tx.$queryRawUnsafe<Array<{ id: bigint; signal_key: string }>>(
      `INSERT INTO anomaly_events (signal_key, machine_id, cause_key, source_event_id, reading_id, score, occurred_at, alert_id)
       VALUES ${values.join(', ')}
       ON CONFLICT (signal_key) DO NOTHING
       RETURNING id, signal_key`,
      ...params,
    );
  }

  /**
   * For every group whose (machine, cause) has an unresolved alert: locks those alerts (in id order), stores the
   * new signals against them and adds them to their counters, all in one statement. Returns the change per
   * group key for the groups that had an alert (null when every signal was a duplicate).
   */
  private async extendUnresolvedMany(
    tx: Tx,
    groups: AlertSignal[][],
  ): Promise<Map<string, (AlertChange & { previousSeverity: Severity }) | null>> {
    const params: unknown[] = [];
    const values: string[] = [];
    for (const group of groups) {
      const top = group.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
      for (const s of group) {
        params.push(
          s.signalKey,
          s.machineId,
          s.causeKey,
          s.sourceEventId ?? null,
          s.readingId ?? null,
          s.score ?? null,
          s.occurredAt.toISOString(),
          top.severity,
        );
        const n = params.length;
        values.push(
          `($${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}::double precision, $${n - 1}::timestamptz, $${n}::severity)`,
        );
      }
    }
    const rows = await tx.$queryRawUnsafe<
      Array<{ machine_id: string; cause_key: string; n: number; old_severity: Severity; alert: unknown }>
    >(
      `WITH incoming (signal_key, machine_id, cause_key, source_event_id, reading_id, score, occurred_at, severity) AS (
         VALUES ${values.join(', ')}
       ), target AS (
         SELECT a.id, a.machine_id, a.cause_key, a.severity AS old_severity FROM alerts a
         WHERE a.status <> 'resolved'
           AND (a.machine_id, a.cause_key) IN (SELECT DISTINCT machine_id, cause_key FROM incoming)
         ORDER BY a.id
         ${this.backend.supportsSkipLocked ? 'FOR UPDATE OF a' : ''}
       ), inserted AS (
         INSERT INTO anomaly_events (signal_key, machine_id, cause_key, source_event_id, reading_id, score, occurred_at, alert_id)
         SELECT i.signal_key, i.machine_id, i.cause_key, i.source_event_id, i.reading_id, i.score, i.occurred_at, t.id
         FROM incoming i JOIN target t ON t.machine_id = i.machine_id AND t.cause_key = i.cause_key
         ON CONFLICT (signal_key) DO NOTHING
         RETURNING alert_id, occurred_at
       ), counted AS (
         SELECT alert_id, count(*)::int AS n, min(occurred_at) AS first, max(occurred_at) AS last
         FROM inserted GROUP BY alert_id
       ), top AS (
         SELECT machine_id, cause_key, max(severity) AS severity FROM incoming GROUP BY machine_id, cause_key
       ), updated AS (
         UPDATE alerts a SET event_count = a.event_count + c.n,
           first_event_at = LEAST(a.first_event_at, c.first),
           last_event_at = GREATEST(a.last_event_at, c.last),
           severity = GREATEST(a.severity, top.severity),
           updated_at = now()
         FROM counted c, top
         WHERE a.id = c.alert_id AND top.machine_id = a.machine_id AND top.cause_key = a.cause_key
         RETURNING a.*
       )
       SELECT t.machine_id, t.cause_key, coalesce(c.n, 0) AS n, t.old_severity::text AS old_severity,
              to_jsonb(u.*) AS alert
       FROM target t LEFT JOIN counted c ON c.alert_id = t.id LEFT JOIN updated u ON u.id = t.id`,
      ...params,
    );
    const out = new Map<string, (AlertChange & { previousSeverity: Severity }) | null>();
    for (const row of rows) {
      const key = `${row.machine_id}\u0000${row.cause_key}`;
      if (!row.alert) {
        out.set(key, null);
        continue;
      }
      const alert = rowToAlert(typeof row.alert === 'string' ? JSON.parse(row.alert) : row.alert);
      out.set(key, {
        alert,
        opened: false,
        newSignals: Number(row.n),
        escalated: severityRank(alert.severity) > severityRank(row.old_severity),
        previousSeverity: row.old_severity,
      });
    }
    return out;
  }

  private async recordGroup(
    tx: Tx,
    group: AlertSignal[],
    options: RecordSignalsOptions,
  ): Promise<AlertChange | null> {
    group.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const first = group[0]!;
    const top = group.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
    let alertId: string | null = null;
    let opened = false;
    let fresh: Array<{ id: bigint; signal_key: string }>;
    let counted: { n: number; first: Date; last: Date };
    {
      fresh = await this.insertSignals(tx, group, null);
      if (fresh.length === 0) return null;
      const freshKeys = new Set(fresh.map((f) => f.signal_key));
      const opener = [...group].reverse().find((s) => s.mayOpen !== false && freshKeys.has(s.signalKey));
      if (!opener) return null;
      if ((opener.minDurationSec ?? 0) > 0 && opener.sourceEventId) {
        const [start] = await tx.$queryRawUnsafe<Array<{ started: Date | null }>>(
          `SELECT min(occurred_at) AS started FROM anomaly_events
           WHERE machine_id = $1 AND cause_key = $2 AND source_event_id = $3 AND alert_id IS NULL`,
          opener.machineId,
          opener.causeKey,
          opener.sourceEventId,
        );
        const startedMs = start?.started ? new Date(start.started).getTime() : opener.occurredAt.getTime();
        if (opener.occurredAt.getTime() - startedMs < opener.minDurationSec! * 1000) return null;
      }
      const inserted = await tx.$queryRawUnsafe<Array<{ id: string }>>(
        `INSERT INTO alerts (id, machine_id, machine_type, cause_key, cause_kind, summary, severity, rule_id, group_key,
           source_event_id, reading_id, model_version, event_count, first_event_at, last_event_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::severity, $7::uuid, $8, $9, $10, $11, 0, $12::timestamptz, $12::timestamptz)
         ON CONFLICT (machine_id, cause_key) WHERE status <> 'resolved' DO NOTHING
         RETURNING id::text AS id`,
        opener.machineId,
        opener.machineType,
        opener.causeKey,
        opener.causeKind,
        opener.summary,
        top.severity,
        opener.ruleId ?? null,
        opener.groupKey ?? null,
        opener.sourceEventId ?? null,
        opener.readingId ?? null,
        opener.modelVersion ?? null,
        first.occurredAt.toISOString(),
      );
      if (inserted[0]) {
        alertId = inserted[0].id;
        opened = true;
        await tx.$executeRawUnsafe(
          `INSERT INTO alert_history (alert_id, actor, action, to_status, details)
           VALUES ($1::uuid, 'system', 'opened', 'open', $2::jsonb)`,
          alertId,
          JSON.stringify({ signal_key: opener.signalKey, summary: opener.summary }),
        );
      } else {
        // Another consumer opened it between our look and our insert; its row is committed now.
        alertId = await this.lockUnresolved(tx, first.machineId, first.causeKey);
        if (!alertId) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'alert changed concurrently; retry');
      }
      // Attach the new signals and the earlier, unattached ones of the same upstream episode.
      const episodeIds = [...new Set(group.map((s) => s.sourceEventId).filter((x): x is string => !!x))];
      const attached = await tx.$queryRawUnsafe<Array<{ n: bigint; first: Date; last: Date }>>(
        `WITH attached AS (
           UPDATE anomaly_events SET alert_id = $1::uuid
           WHERE machine_id = $2 AND cause_key = $3 AND alert_id IS NULL
             AND (id = ANY($4::bigint[]) OR source_event_id = ANY($5::text[]))
           RETURNING occurred_at)
         SELECT count(*) AS n, min(occurred_at) AS first, max(occurred_at) AS last FROM attached`,
        alertId,
        first.machineId,
        first.causeKey,
        `{${fresh.map((f) => String(f.id)).join(',')}}`,
        `{${episodeIds.map((id) => `"${id}"`).join(',')}}`,
      );
      counted = {
        n: Number(attached[0]!.n),
        first: new Date(attached[0]!.first),
        last: new Date(attached[0]!.last),
      };
    }
    const [row] = await tx.$queryRawUnsafe<Array<{ old_severity: Severity }>>(
      `UPDATE alerts SET
         event_count = event_count + $2,
         first_event_at = LEAST(first_event_at, $3::timestamptz),
         last_event_at = GREATEST(last_event_at, $4::timestamptz),
         severity = GREATEST(severity, $5::severity),
         updated_at = now()
       FROM (SELECT severity AS old_severity FROM alerts WHERE id = $1::uuid) AS previous
       WHERE id = $1::uuid
       RETURNING alerts.*, previous.old_severity`,
      alertId,
      counted.n,
      counted.first.toISOString(),
      counted.last.toISOString(),
      top.severity,
    );
    const alert = rowToAlert(row);
    const escalated = !opened && severityRank(alert.severity) > severityRank(row!.old_severity);
    if (escalated)
      await this.appendHistory(tx, alert.id, 'system', 'severity_raised', null, null, {
        from: row!.old_severity,
        to: alert.severity,
      });
    if (opened && options.notificationsFor) await this.enqueue(tx, alert.id, options.notificationsFor(alert));
    return { alert, opened, newSignals: fresh.length, escalated };
  }

  private async alertRow(tx: Tx, id: string): Promise<Alert> {
    const rows = await tx.$queryRawUnsafe<unknown[]>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1::uuid`,
      id,
    );
    if (!rows[0])
      throw new AppError(ErrorCode.NOT_FOUND, `alert ${id} not found`, { details: { alert_id: id } });
    return rowToAlert(rows[0]);
  }

  private async enqueue(tx: Tx, alertId: string, notifications: NotificationRequest[]): Promise<void> {
    for (const n of notifications)
      await tx.$executeRawUnsafe(
        `INSERT INTO notifications (id, alert_id, channel, kind, idempotency_key, payload)
         VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5::jsonb)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        alertId,
        n.channel,
        n.kind,
        n.idempotencyKey,
        JSON.stringify(n.payload),
      );
  }

  private async appendHistory(
    tx: Tx,
    alertId: string,
    actor: string,
    action: string,
    fromStatus: string | null,
    toStatus: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO alert_history (alert_id, actor, action, from_status, to_status, details)
       VALUES ($1::uuid, $2, $3, $4::alert_status, $5::alert_status, $6::jsonb)`,
      alertId,
      actor,
      action,
      fromStatus,
      toStatus,
      JSON.stringify(details),
    );
  }

  // ---- alert queries and lifecycle -------------------------------------------------------------------------

  async getAlert(id: string): Promise<Alert> {
    return this.run('getAlert', () => this.alertRow(this.db, id));
  }

  private where(filter: AlertFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.status && filter.status.length > 0) {
      params.push(`{${filter.status.join(',')}}`);
      clauses.push(`status = ANY($${params.length}::alert_status[])`);
    }
    if (filter.machineId) {
      params.push(filter.machineId);
      clauses.push(`machine_id = $${params.length}`);
    }
    if (filter.groupKey) {
      params.push(filter.groupKey);
      clauses.push(`group_key = $${params.length}`);
    }
    if (filter.assignee) {
      params.push(filter.assignee);
      clauses.push(`assignee = $${params.length}`);
    }
    if (filter.before) {
      params.push(filter.before.toISOString());
      clauses.push(`created_at < $${params.length}::timestamptz`);
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  async listAlerts(filter: AlertFilter = {}): Promise<Alert[]> {
    return this.run('listAlerts', async () => {
      const { sql, params } = this.where(filter);
      params.push(filter.limit ?? 100);
      const rows = await this.db.$queryRawUnsafe<unknown[]>(
        `SELECT ${ALERT_COLUMNS} FROM alerts ${sql} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        ...params,
      );
      return rows.map(rowToAlert);
    });
  }

  async countAlerts(filter: Pick<AlertFilter, 'status' | 'machineId' | 'groupKey'> = {}): Promise<number> {
    return this.run('countAlerts', async () => {
      const { sql, params } = this.where(filter);
      const [row] = await this.db.$queryRawUnsafe<Array<{ n: bigint }>>(
        `SELECT count(*) AS n FROM alerts ${sql}`,
        ...params,
      );
      return Number(row!.n);
    });
  }

  private transition(
    operation: string,
    id: string,
    change: (alert: Alert) => {
      allowed: boolean;
      reason?: string;
      set: string;
      params: unknown[];
      action: string;
      actor: string;
      toStatus?: string;
      details?: Record<string, unknown>;
      after?: (tx: Tx, alert: Alert) => Promise<void>;
    },
  ): Promise<Alert> {
    return this.run(operation, () =>
      this.db.$transaction(async (tx) => {
        const rows = await tx.$queryRawUnsafe<unknown[]>(
          `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1::uuid ${this.backend.supportsSkipLocked ? 'FOR UPDATE' : ''}`,
          id,
        );
        if (!rows[0])
          throw new AppError(ErrorCode.NOT_FOUND, `alert ${id} not found`, { details: { alert_id: id } });
        const current = rowToAlert(rows[0]);
        const step = change(current);
        if (!step.allowed)
          throw new AppError(
            ErrorCode.CONFLICT,
            step.reason ?? `cannot ${operation} a ${current.status} alert`,
            {
              details: { alert_id: id, status: current.status },
            },
          );
        const params = [id, ...step.params];
        const [row] = await tx.$queryRawUnsafe<unknown[]>(
          `UPDATE alerts SET ${step.set}, updated_at = now() WHERE id = $1::uuid RETURNING ${ALERT_COLUMNS}`,
          ...params,
        );
        const updated = rowToAlert(row);
        await this.appendHistory(
          tx,
          id,
          step.actor,
          step.action,
          current.status,
          step.toStatus ?? current.status,
          step.details ?? {},
        );
        await step.after?.(tx, updated);
        return updated;
      }, TX_OPTIONS),
    );
  }

  acknowledge(id: string, actor: string): Promise<Alert> {
    return this.transition('acknowledge', id, (a) => ({
      allowed: a.status === 'open',
      reason: `alert ${id} is ${a.status}; only an open alert can be acknowledged`,
      set: `status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2, next_reminder_at = NULL`,
      params: [actor],
      action: 'acknowledged',
      actor,
      toStatus: 'acknowledged',
    }));
  }

  assign(id: string, assignee: string | null, actor: string): Promise<Alert> {
    return this.transition('assign', id, (a) => ({
      allowed: a.status !== 'resolved',
      reason: `alert ${id} is resolved; it cannot be assigned`,
      set: 'assignee = $2',
      params: [assignee],
      action: 'assigned',
      actor,
      details: { from: a.assignee, to: assignee },
    }));
  }

  resolve(id: string, input: { actor: string; reason: ResolutionReason; note?: string }): Promise<Alert> {
    return this.transition('resolve', id, (a) => ({
      allowed: a.status !== 'resolved',
      reason: `alert ${id} is already resolved`,
      set: `status = 'resolved', resolved_at = now(), resolved_by = $2, resolution_reason = $3::resolution_reason,
            acknowledged_at = COALESCE(acknowledged_at, now()), acknowledged_by = COALESCE(acknowledged_by, $2),
            next_reminder_at = NULL`,
      params: [input.actor, input.reason],
      action: 'resolved',
      actor: input.actor,
      toStatus: 'resolved',
      details: { reason: input.reason, ...(input.note ? { note: input.note } : {}) },
      after: async (tx, alert) => {
        await tx.$executeRawUnsafe(
          `INSERT INTO feedback (id, alert_id, machine_id, reason, note, model_version, labelled_by)
           VALUES (gen_random_uuid(), $1::uuid, $2, $3::resolution_reason, $4, $5, $6)`,
          alert.id,
          alert.machineId,
          input.reason,
          input.note ?? null,
          alert.modelVersion,
          input.actor,
        );
      },
    }));
  }

  async addComment(id: string, author: string, body: string): Promise<Comment> {
    return this.run('addComment', () =>
      this.db.$transaction(async (tx) => {
        await this.alertRow(tx, id);
        const comment = await tx.comment.create({ data: { alertId: id, author, body } });
        await this.appendHistory(tx, id, author, 'commented', null, null, { comment_id: comment.id });
        return comment;
      }, TX_OPTIONS),
    );
  }

  async listComments(id: string): Promise<Comment[]> {
    return this.run('listComments', async () => {
      await this.alertRow(this.db, id);
      return this.db.comment.findMany({
        where: { alertId: id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    });
  }

  async history(id: string): Promise<HistoryEntry[]> {
    return this.run('history', async () => {
      await this.alertRow(this.db, id);
      const rows = await this.db.alertHistory.findMany({ where: { alertId: id }, orderBy: { id: 'asc' } });
      return rows.map((r) => ({
        id: String(r.id),
        alertId: r.alertId,
        at: r.at,
        actor: r.actor,
        action: r.action,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        details: (r.details ?? {}) as Record<string, unknown>,
      }));
    });
  }

  async getFeedback(id: string): Promise<Feedback | null> {
    return this.run('getFeedback', async () => {
      const f = await this.db.feedback.findUnique({ where: { alertId: id } });
      return f
        ? {
            alertId: f.alertId,
            machineId: f.machineId,
            reason: f.reason,
            note: f.note,
            modelVersion: f.modelVersion,
            labelledBy: f.labelledBy,
            createdAt: f.createdAt,
          }
        : null;
    });
  }

  // ---- reminders -------------------------------------------------------------------------------------------

  async dueReminders(now: Date, limit: number): Promise<Alert[]> {
    return this.run('dueReminders', async () => {
      const rows = await this.db.$queryRawUnsafe<unknown[]>(
        `SELECT ${ALERT_COLUMNS} FROM alerts
         WHERE status = 'open' AND (next_reminder_at IS NULL OR next_reminder_at <= $1::timestamptz)
         ORDER BY next_reminder_at NULLS FIRST, created_at LIMIT $2`,
        now.toISOString(),
        limit,
      );
      return rows.map(rowToAlert);
    });
  }

  async recordReminder(
    id: string,
    nextReminderAt: Date,
    notifications: NotificationRequest[],
  ): Promise<Alert | null> {
    return this.run('recordReminder', () =>
      this.db.$transaction(async (tx) => {
        const rows = await tx.$queryRawUnsafe<unknown[]>(
          `UPDATE alerts SET next_reminder_at = $2::timestamptz,
             escalation_level = CASE WHEN next_reminder_at IS NULL THEN escalation_level ELSE escalation_level + 1 END,
             updated_at = now()
           WHERE id = $1::uuid AND status = 'open' RETURNING ${ALERT_COLUMNS}`,
          id,
          nextReminderAt.toISOString(),
        );
        if (!rows[0]) return null;
        const alert = rowToAlert(rows[0]);
        if (alert.escalationLevel > 0) {
          await this.appendHistory(tx, id, 'system', 'reminded', null, null, {
            level: alert.escalationLevel,
          });
          await this.enqueue(tx, id, notifications);
        }
        return alert;
      }, TX_OPTIONS),
    );
  }

  // ---- notification outbox ---------------------------------------------------------------------------------

  async claimNotifications(input: {
    channels?: string[];
    limit: number;
    leaseMs: number;
    now?: Date;
  }): Promise<Notification[]> {
    const now = input.now ?? new Date();
    return this.run('claimNotifications', async () => {
      const params: unknown[] = [
        now.toISOString(),
        new Date(now.getTime() + input.leaseMs).toISOString(),
        input.limit,
      ];
      let channelClause = '';
      if (input.channels) {
        params.push(`{${input.channels.map((c) => `"${c}"`).join(',')}}`);
        channelClause = `AND channel = ANY($4::text[])`;
      }
      const rows = await this.db.$queryRawUnsafe<unknown[]>(
        `UPDATE notifications SET locked_until = $2::timestamptz, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM notifications
           WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz
             AND (locked_until IS NULL OR locked_until <= $1::timestamptz) ${channelClause}
           ORDER BY next_attempt_at, created_at
           LIMIT $3 ${this.backend.supportsSkipLocked ? 'FOR UPDATE SKIP LOCKED' : ''}
         )
         RETURNING *`,
        ...params,
      );
      return rows.map(modelToNotification).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    });
  }

  async markNotificationSent(id: string): Promise<void> {
    await this.run('markNotificationSent', () =>
      this.db.notification.update({
        where: { id },
        data: { status: 'sent', sentAt: new Date(), lockedUntil: null, lastError: null },
      }),
    );
  }

  async markNotificationFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.run('markNotificationFailed', () =>
      this.db.notification.update({
        where: { id },
        data: retryAt
          ? { lastError: error.slice(0, 2000), nextAttemptAt: retryAt, lockedUntil: null }
          : { lastError: error.slice(0, 2000), status: 'dead', lockedUntil: null },
      }),
    );
  }

  async countSentNotifications(channel: string, since: Date): Promise<number> {
    return this.run('countSentNotifications', () =>
      this.db.notification.count({ where: { channel, status: 'sent', sentAt: { gte: since } } }),
    );
  }

  async listNotifications(filter: { alertId?: string; status?: Notification['status'] } = {}) {
    return this.run('listNotifications', async () =>
      (
        await this.db.notification.findMany({
          where: {
            ...(filter.alertId ? { alertId: filter.alertId } : {}),
            ...(filter.status ? { status: filter.status } : {}),
          },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        })
      ).map(modelToNotification),
    );
  }
}
