import { EventEmitter } from 'node:events';
import type { Alert } from '@industrialmind/relational-store';
import type { Response } from 'express';
import { toAlertResource } from '../domain/messages';

export interface AlertChangeEvent {
  id: number;
  change: string;
  /** The REST resource for changes made here; the `alerts` message for changes other instances made. */
  alert: unknown;
}

/**
 * Fans alert changes out to server-sent-event clients (the portal's live list): changes made by this instance
 * directly, and changes made by other instances as they arrive on the `alerts` topic.
 */
export class AlertHub {
  private readonly emitter = new EventEmitter();
  private sequence = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(alert: Alert, change: string): void {
    this.publishMessage(toAlertResource(alert), change);
  }

  publishMessage(alert: unknown, change: string): void {
    this.sequence++;
    this.emitter.emit('change', { id: this.sequence, change, alert } satisfies AlertChangeEvent);
  }

  /** Calls `listener` for every change until the returned function is called. */
  onChange(listener: (event: AlertChangeEvent) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
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
    const off = this.onChange((e) => {
      res.write(
        `id: ${e.id}\nevent: alert\ndata: ${JSON.stringify({ change: e.change, alert: e.alert })}\n\n`,
      );
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      off();
    });
  }
}
