import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** An HTTP receiver on 127.0.0.1 that records every POST with its Idempotency-Key header. */
export interface HttpReceiver {
  url: string;
  received: Array<{ key: string; body: unknown; at: number }>;
  /** Distinct idempotency keys, i.e. what a receiver that drops repeats delivers. */
  uniqueKeys(): Set<string>;
  /** Answer the next `n` requests with this status instead of 200. */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

/** `delayMs` holds each answer that long (a slow receiver, so a crash can land mid-delivery). */
export async function startHttpReceiver(options: { delayMs?: number } = {}): Promise<HttpReceiver> {
  const received: HttpReceiver['received'] = [];
  let failures = 0;
  let failStatus = 500;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus).end();
        return;
      }
      received.push({
        key: String(req.headers['idempotency-key'] ?? ''),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
        at: Date.now(),
      });
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        options.delayMs ?? 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    uniqueKeys: () => new Set(received.map((r) => r.key)),
    failNext: (n, status) => {
      failures = n;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps each message's Message-ID and subject. */
export interface SmtpReceiver {
  url: string;
  received: Array<{ messageId: string; idempotencyKey: string; raw: string }>;
  uniqueKeys(): Set<string>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(options: { delayMs?: number } = {}): Promise<SmtpReceiver> {
  const received: SmtpReceiver['received'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
        received.push({ messageId: header('Message-ID'), idempotencyKey: header('Idempotency-Key'), raw });
        setTimeout(() => callback(), options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    uniqueKeys: () => new Set(received.map((r) => r.idempotencyKey)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
