import type { Logger } from '@industrialmind/logger';
import type { Alert, RelationalStore } from '@industrialmind/relational-store';
import { notificationsFor } from './domain/messages';
import { LogEvents } from './log-events';

/**
 * Reminds and escalates until an alert is acknowledged: an open alert gets its first reminder `intervalMs` after it
 * opened, then one every `intervalMs`, each raising the escalation level and queueing notifications on every
 * channel. Acknowledging or resolving clears the schedule (in the store).
 */
export class ReminderScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      store: Pick<RelationalStore, 'dueReminders' | 'recordReminder'>;
      channels: readonly string[];
      logger: Logger;
      onChange?: (alert: Alert) => void;
    },
    private readonly options: { intervalMs: number; pollMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((err) =>
          this.deps.logger.warn({ err, event: LogEvents.reminderFailed }, 'reminder pass failed'),
        )
        .then(() => {
          this.running = null;
        });
    }, this.options.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async tick(now: Date = new Date()): Promise<number> {
    const due = await this.deps.store.dueReminders(now, 100);
    let reminded = 0;
    for (const alert of due) {
      // The first pass only schedules (an alert is not overdue the moment it opens).
      const base = alert.nextReminderAt ?? alert.createdAt;
      if (!alert.nextReminderAt && now.getTime() - base.getTime() < this.options.intervalMs) {
        await this.deps.store.recordReminder(
          alert.id,
          new Date(base.getTime() + this.options.intervalMs),
          [],
        );
        continue;
      }
      const next = new Date(now.getTime() + this.options.intervalMs);
      const level = alert.nextReminderAt ? alert.escalationLevel + 1 : 1;
      const updated = alert.nextReminderAt
        ? await this.deps.store.recordReminder(
            alert.id,
            next,
            notificationsFor(alert, this.deps.channels, 'reminder', level),
          )
        : await this.deps.store.recordReminder(alert.id, now, []);
      if (updated) {
        reminded++;
        this.deps.onChange?.(updated);
      }
    }
    return reminded;
  }
}
