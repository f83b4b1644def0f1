import { AppError, ErrorCode } from '@industrialmind/errors';
import nodemailer from 'nodemailer';
import type { Alert as AlertMessage } from '@industrialmind/contracts';

/** What the outbox stores per notification and hands to a sender. */
export interface NotificationPayload {
  kind: 'opened' | 'reminder';
  level: number;
  alert: AlertMessage & { event_count?: number };
}

/** One channel. Throws an AppError; `retryable: false` means retrying cannot help (the row is dead-lettered). */
export interface Sender {
  send(payload: NotificationPayload, idempotencyKey: string): Promise<void>;
  close?(): Promise<void>;
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

function headline(p: NotificationPayload): string {
  const a = p.alert;
  const what = p.kind === 'reminder' ? `Reminder ${p.level}: unacknowledged` : 'New';
  return `${what} ${a.severity} alert on ${a.machine_id}: ${a.cause.summary}`;
}

async function post(url: string, body: unknown, idempotencyKey: string, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDEMPOTENCY_HEADER]: idempotencyKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `webhook unreachable: ${String(err)}`, { cause: err });
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new AppError(
    retryable ? ErrorCode.UPSTREAM_UNAVAILABLE : ErrorCode.VALIDATION_FAILED,
    `webhook answered ${res.status}`,
    {
      retryable,
      details: { status: res.status },
    },
  );
}

/** Generic webhook: the alert message as JSON, the idempotency key in a header and in the body. */
export function createWebhookSender(options: { url: string; timeoutMs?: number }): Sender {
  return {
    send: (p, key) =>
      post(
        options.url,
        { idempotency_key: key, kind: p.kind, level: p.level, alert: p.alert },
        key,
        options.timeoutMs ?? 5000,
      ),
  };
}

/** Slack-compatible incoming webhook: `text` plus one section block. */
export function createSlackSender(options: { url: string; timeoutMs?: number }): Sender {
  return {
    send: (p, key) => {
      const text = headline(p);
      return post(
        options.url,
        {
          text,
          blocks: [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `*${text}*\nalert \`${p.alert.alert_id}\`, status ${p.alert.status}`,
              },
            },
          ],
        },
        key,
        options.timeoutMs ?? 5000,
      );
    },
  };
}

/**
 * Email over SMTP (nodemailer). The idempotency key becomes the Message-ID, the header mail systems use to
 * drop a message they already have.
 */
export function createEmailSender(options: {
  url: string;
  from: string;
  to: string[];
  timeoutMs?: number;
}): Sender {
  const transport = nodemailer.createTransport(options.url, {
    connectionTimeout: options.timeoutMs ?? 5000,
    greetingTimeout: options.timeoutMs ?? 5000,
    socketTimeout: options.timeoutMs ?? 5000,
  });
  return {
    async send(p, key) {
      try {
        await transport.sendMail({
          from: options.from,
          to: options.to,
          subject: headline(p),
          messageId: `<${key.replace(/[^A-Za-z0-9.:_-]/g, '_')}@industrialmind>`,
          headers: { [IDEMPOTENCY_HEADER]: key },
          text: `${headline(p)}\n\nAlert ${p.alert.alert_id}\nMachine ${p.alert.machine_id} (${p.alert.machine_type})\nStatus ${p.alert.status}\nOpened ${p.alert.created_at}\n`,
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const permanent = code !== undefined && code >= 500 && code < 600;
        throw new AppError(
          permanent ? ErrorCode.VALIDATION_FAILED : ErrorCode.UPSTREAM_UNAVAILABLE,
          `smtp: ${(err as Error).message}`,
          { cause: err, retryable: !permanent, ...(code ? { details: { responseCode: code } } : {}) },
        );
      }
    },
    async close() {
      transport.close();
    },
  };
}
