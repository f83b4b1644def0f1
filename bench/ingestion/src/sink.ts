/**
 * A stand-in for InfluxDB's write endpoint for `--stages`: reads each request body whole and answers 204. Run as
 * a script it listens on an ephemeral port in its own process (so its CPU is not the client's), tells the parent
 * the port over IPC and exits on SIGTERM.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export function createSinkServer(): Server {
  return createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(204);
      res.end();
    });
  });
}

/** Listens on 127.0.0.1:0; resolves with the port. */
export function listenSink(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

if (require.main === module) {
  const server = createSinkServer();
  void listenSink(server).then((port) => process.send?.({ port }));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
