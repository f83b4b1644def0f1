import { createEmailSender, createSlackSender, createWebhookSender, type Sender } from './senders';

/** The channels the configuration enables, by name (the name is the outbox `channel`). */
export function createSenders(channels: {
  webhook?: string | undefined;
  slack?: string | undefined;
  email?: { url: string; from: string; to: string[] } | undefined;
  timeoutMs: number;
}): Record<string, Sender> {
  const senders: Record<string, Sender> = {};
  if (channels.webhook)
    senders.webhook = createWebhookSender({ url: channels.webhook, timeoutMs: channels.timeoutMs });
  if (channels.slack)
    senders.slack = createSlackSender({ url: channels.slack, timeoutMs: channels.timeoutMs });
  if (channels.email) senders.email = createEmailSender({ ...channels.email, timeoutMs: channels.timeoutMs });
  return senders;
}
