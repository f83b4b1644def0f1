import { EventEmitter } from 'node:events';
import type { Alert } from '@industrialmind/relational-store';
import type { Response } from 'express';
import { toAlertResource } from '../domain/messages';

/** Fans alert changes of this instance out to server-sent-event clients (the portal's live list). */
export class AlertHub {
  private readonly emitter = new EventEmitter();
  private sequence = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(alert: Alert, change: string): void {
    this.sequence++;
    this.emitter.emit('change', { id: this.sequence, change, alert: toAlertResource(alert) });
  }

  get clients(): number {
    return this.emitter.listenerCount('change');
  }

  /** Streams changes to `res` as `event: alert` until the client goes away. */
  stream(res: Response, heartbeatMs = 15_000): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const listener = (e: { id: number; change: string; alert: unknown }) => {
      res.write(
        `id: ${e.id}\nevent: alert\ndata: ${JSON.stringify({ change: e.change, alert: e.alert })}\n\n`,
      );
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    this.emitter.on('change', listener);
    res.on('close', () => {
      clearInterval(heartbeat);
      this.emitter.off('change', listener);
    });
  }
}
