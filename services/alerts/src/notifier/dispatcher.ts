import { describeError, isRetryable } from '@industrialmind/errors';
import type { Logger } from '@industrialmind/logger';
import type { RelationalStore } from '@industrialmind/relational-store';
import { LogEvents } from '../log-events';
import type { NotificationPayload, Sender } from './senders';

export interface DispatcherOptions {
  /** Most notifications a channel sends per minute (counted in the store, so it holds across restarts). */
  ratePerMinute: Record<string, number>;
  pollMs: number;
  /** How long a claimed notification stays reserved for this dispatcher (a crashed one's lease expires). */
  leaseMs: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  batchSize: number;
}

export interface DispatchStats {
  sent: number;
  failed: number;
  dead: number;
}

/**
 * Drains the notification outbox: leases due rows per channel within the channel's rate cap, sends each with its
 * idempotency key, then marks it sent; a failure is retried with capped exponential backoff up to maxAttempts,
 * then dead-lettered. A crash after sending and before marking leaves the row leased; when the lease expires it is
 * sent again with the same key (at-least-once, and exactly once at a receiver that drops repeated keys).
 */
export class NotificationDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Set by stop(): the loop schedules no further pass and the current pass ends after its in-flight send. */
  private stopping = false;

  constructor(
    private readonly deps: {
      store: Pick<
        RelationalStore,
        'claimNotifications' | 'markNotificationSent' | 'markNotificationFailed' | 'countSentNotifications'
      >;
      senders: Record<string, Sender>;
      logger: Logger;
      onSent?: (channel: string, delayMs: number) => void;
    },
    private readonly options: DispatcherOptions,
  ) {}

  start(): void {
    this.stopping = false;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then((stats) => {
          this.schedule(stats.sent > 0 ? 0 : this.options.pollMs);
        })
        .catch((err) => {
          this.deps.logger.warn({ err, event: LogEvents.outboxUnavailable }, 'outbox poll failed');
          this.schedule(this.options.pollMs);
        });
    }, delayMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every channel; exported for tests and for the bench. */
  async tick(now: Date = new Date()): Promise<DispatchStats> {
    const stats: DispatchStats = { sent: 0, failed: 0, dead: 0 };
    for (const [channel, sender] of Object.entries(this.deps.senders)) {
      const cap = this.options.ratePerMinute[channel] ?? Number.POSITIVE_INFINITY;
      let budget = this.options.batchSize;
      if (Number.isFinite(cap)) {
        const sentLastMinute = await this.deps.store.countSentNotifications(
          channel,
          new Date(now.getTime() - 60_000),
        );
        budget = Math.min(budget, cap - sentLastMinute);
      }
      if (budget <= 0) continue;
      const due = await this.deps.store.claimNotifications({
        channels: [channel],
        limit: budget,
        leaseMs: this.options.leaseMs,
        now,
      });
      for (const n of due) {
        if (this.stopping) break;
        try {
          await sender.send(n.payload as NotificationPayload, n.idempotencyKey);
          await this.deps.store.markNotificationSent(n.id);
          stats.sent++;
          this.deps.onSent?.(channel, Date.now() - n.createdAt.getTime());
        } catch (err) {
          const give_up = !isRetryable(err) || n.attempts >= this.options.maxAttempts;
          const backoff = Math.min(
            this.options.maxBackoffMs,
            this.options.initialBackoffMs * 2 ** Math.max(0, n.attempts - 1),
          );
          await this.deps.store.markNotificationFailed(
            n.id,
            describeError(err),
            give_up ? null : new Date(Date.now() + backoff),
          );
          if (give_up) {
            stats.dead++;
            this.deps.logger.error(
              {
                err,
                event: LogEvents.notificationDead,
                channel,
                notification_id: n.id,
                attempts: n.attempts,
              },
              'notification dead-lettered',
            );
          } else {
            stats.failed++;
            this.deps.logger.warn(
              {
                err,
                event: LogEvents.notificationRetried,
                channel,
                notification_id: n.id,
                attempts: n.attempts,
              },
              'notification failed, will retry',
            );
          }
        }
      }
    }
    return stats;
  }
}
