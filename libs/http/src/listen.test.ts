import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { Registry } from 'prom-client';
import { createHttpApp } from './app';
import { listen } from './listen';

function get(port: number, path: string, agent?: Agent): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ res, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe(listen.name, () => {
  it('binds an ephemeral port and serves the app', async () => {
    const app = createHttpApp({
      logger: createCapturedLogger().logger,
      registry: new Registry(),
      readiness: () => true,
      routes: () => {},
    });
    const sut = await listen(app, { port: 0, host: '127.0.0.1' });
    try {
      const { res, body } = await get(sut.port, '/healthz');

      expect(res.statusCode).toBe(200);
      expect(JSON.parse(body)).toEqual({ status: 'ok' });
    } finally {
      await sut.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const app = createHttpApp({
      logger: createCapturedLogger().logger,
      registry: new Registry(),
      readiness: () => true,
      routes: () => {},
    });
    const first = await listen(app, { port: 0, host: '127.0.0.1' });
    try {
      await expect(listen(app, { port: first.port, host: '127.0.0.1' })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('stops accepting, lets in-flight requests finish and closes keep-alive connections', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const app = createHttpApp({
      logger: createCapturedLogger().logger,
      registry: new Registry(),
      readiness: () => true,
      routes: (a) => {
        a.get('/slow', async (_req, res) => {
          started();
          await released;
          res.json({ done: true });
        });
      },
    });
    const sut = await listen(app, { port: 0, host: '127.0.0.1' });
    const agent = new Agent({ keepAlive: true });
    try {
      await get(sut.port, '/healthz', agent); // leaves an idle keep-alive socket behind
      const slow = get(sut.port, '/slow', new Agent({ keepAlive: true }));
      await hasStarted;

      let isClosed = false;
      const closing = sut.close().then(() => (isClosed = true));
      await new Promise((resolve) => setImmediate(resolve));

      expect(isClosed).toBe(false);
      await expect(get(sut.port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      release();
      const { res, body } = await slow;
      await closing;

      expect(JSON.parse(body)).toEqual({ done: true });
      expect(res.headers.connection).toBe('close');
      expect(sut.server.listening).toBe(false);
      await expect(sut.close()).resolves.toBeUndefined();
    } finally {
      agent.destroy();
    }
  });
});
