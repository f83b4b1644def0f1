import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { leanDispatcherOf } from './lean-routes';

export interface ListenOptions {
  port: number;
  host?: string;
}

export interface HttpServer {
  readonly server: Server;
  /** The bound port (the real one when `port` was 0). */
  readonly port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish (their responses carry `Connection: close`), closes
   * idle keep-alive connections and resolves when the last connection is gone. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Serves an app on `host:port` (the only place that binds a port, called from main.ts). Resolves once listening,
 * rejects on a bind error such as EADDRINUSE. Register `close` with the lifecycle: it drains in-flight requests.
 */
export async function listen(app: Express, { port, host }: ListenOptions): Promise<HttpServer> {
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  const track = (res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response that started before close() with keep-alive leaves an idle socket behind; drop it now.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    if (closing) res.setHeader('Connection', 'close');
  };
  const server = createServer((req, res) => {
    track(res);
    app(req, res);
  });

  // The app's lean routes are served before the 'request' event is emitted: OpenTelemetry's http instrumentation
  // wraps Server.prototype.emit, and its per-request work would cost more than the route (the route traces itself).
  const lean = leanDispatcherOf(app);
  if (lean) {
    server.emit = function emit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'request') {
        const req = args[0] as IncomingMessage;
        const route = lean.match(req);
        if (route) {
          const res = args[1] as ServerResponse;
          track(res);
          lean.serve(route, req, res);
          return true;
        }
      }
      // Looked up on each call, so an instrumentation that patches the prototype later still sees the rest.
      const inherited = (Object.getPrototypeOf(this) as { emit: (...a: unknown[]) => boolean }).emit;
      return inherited.call(this, event, ...args);
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
