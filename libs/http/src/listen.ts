import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

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

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response that started before close() with keep-alive leaves an idle socket behind; drop it now.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    if (closing) res.setHeader('Connection', 'close');
    app(req, res);
  });

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
