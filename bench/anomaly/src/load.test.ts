import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  closedLoop,
  createLoadClient,
  createNodeHttpClient,
  createResponseParser,
  openLoop,
  serialiseRequest,
  type LoadClient,
} from './load';

describe(serialiseRequest.name, () => {
  it('writes a GET without a body and a POST with a JSON body and its byte length', () => {
    expect(serialiseRequest({ method: 'GET', path: '/healthz' }).toString()).toBe(
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    expect(serialiseRequest({ method: 'POST', path: '/predict', body: '{"a":"é"}' }).toString()).toBe(
      'POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":"é"}',
    );
  });
});

describe(createResponseParser.name, () => {
  const response = (status: number, body: string) =>
    `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it('splits pipelined responses, whatever the chunk boundaries', () => {
    const stream = Buffer.from(response(200, '{"ok":true}') + response(404, '{}') + response(201, ''));
    for (const size of [1, 7, stream.length]) {
      const statuses: number[] = [];
      const parse = createResponseParser((s) => statuses.push(s));
      for (let i = 0; i < stream.length; i += size) parse(stream.subarray(i, i + size));
      expect(statuses).toEqual([200, 404, 201]);
    }
  });

  it('reports a response without Content-Length as a failure (status 0)', () => {
    const statuses: number[] = [];
    createResponseParser((s) => statuses.push(s))(
      Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'),
    );
    expect(statuses).toEqual([0]);
  });
});

describe('load clients against a loopback server', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        if (req.url === '/never') return; // no answer at all
        const status = req.url === '/fail' ? 500 : 200;
        const answer = JSON.stringify({ echo: body });
        res.writeHead(status, { 'content-length': Buffer.byteLength(answer) }).end(answer);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const clients: [string, () => Promise<LoadClient>][] = [
    ['lean', () => createLoadClient(port, 2)],
    ['node-http', () => Promise.resolve(createNodeHttpClient(port, 2))],
  ];

  it.each(clients)(
    '%s: a closed loop counts a request never answered as failed and ends',
    async (_, make) => {
      const client = await make();

      const failed = await closedLoop(
        client,
        3,
        1,
        (i) => (i === 1 ? { method: 'GET', path: '/never' } : { method: 'GET', path: '/ok' }),
        200,
      );
      client.close();

      // The first was answered; the second never was, and the third was never sent.
      expect(failed).toBe(2);
    },
  );

  it.each(clients)(
    '%s: counts a request never answered as an error instead of waiting forever',
    async (_, make) => {
      const client = await make();

      const result = await openLoop(
        client,
        [0, 1],
        (i) => (i === 0 ? { method: 'GET', path: '/never' } : { method: 'GET', path: '/ok' }),
        200,
      );
      client.close();

      expect(result).toMatchObject({ errors: 1, unanswered: 1 });
      expect(result.latencies).toHaveLength(1);
    },
  );

  it.each(clients)(
    '%s: sends every request of an open loop once and times the 2xx answers',
    async (_, make) => {
      const client = await make();
      const sendAt = [0, 1, 2, 3, 20];
      const result = await openLoop(client, sendAt, (i) =>
        i === 3 ? { method: 'GET', path: '/fail' } : { method: 'POST', path: '/p', body: `{"i":${i}}` },
      );
      client.close();

      expect(result.errors).toBe(1);
      expect(result.latencies).toHaveLength(4);
      expect(result.latencies.every((ms) => ms >= 0)).toBe(true);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(20);
      expect(result.clientCpuUs).toBeGreaterThan(0);
      expect(seen.sort()).toEqual([
        'GET /fail ',
        'POST /p {"i":0}',
        'POST /p {"i":1}',
        'POST /p {"i":2}',
        'POST /p {"i":4}',
      ]);
      expect(client.inFlight()).toBe(0);
    },
  );

  it.each(clients)('%s: keeps the closed loop at its concurrency until n are answered', async (_, make) => {
    const client = await make();
    let maxInFlight = 0;
    const errors = await closedLoop(client, 50, 3, (i) => {
      maxInFlight = Math.max(maxInFlight, client.inFlight() + 1);
      return { method: 'GET', path: i === 10 ? '/fail' : `/ok/${i}` };
    });
    client.close();

    expect(errors).toBe(1);
    expect(seen).toHaveLength(50);
    expect(maxInFlight).toBe(3);
  });

  it('fails what a dropped connection still owes', async () => {
    const client = await createLoadClient(port, 1);
    const statuses: number[] = [];
    const done = new Promise<void>((ok) => {
      client.send({ method: 'GET', path: '/slow' }, (s) => {
        statuses.push(s);
        ok();
      });
    });
    client.close();
    await done;

    expect(statuses).toEqual([0]);
  });

  it('resolves empty runs at once', async () => {
    const client = await createLoadClient(port, 1);

    await expect(closedLoop(client, 0, 4, () => ({ method: 'GET', path: '/' }))).resolves.toBe(0);
    await expect(openLoop(client, [], () => ({ method: 'GET', path: '/' }))).resolves.toMatchObject({
      latencies: [],
      errors: 0,
    });
    client.close();
  });
});

describe('lean client when the server closes connections', () => {
  it('opens a new socket instead of writing to a closed one, so every request is answered', async () => {
    // Each answer closes its connection (as a server may do to an idle keep-alive socket).
    const server = createServer((_req, res) =>
      res.writeHead(200, { 'content-length': 2, connection: 'close' }).end('{}'),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const client = await createLoadClient((server.address() as AddressInfo).port, 2);

    // 50 ms apart: each request is sent after the previous connection was closed.
    const result = await openLoop(
      client,
      [0, 50, 100, 150, 200, 250],
      () => ({ method: 'GET', path: '/ok' }),
      1000,
    );
    const reconnects = client.reconnects();
    client.close();
    await new Promise((ok) => server.close(ok));

    expect(result).toMatchObject({ errors: 0, unanswered: 0 });
    expect(result.latencies).toHaveLength(6);
    expect(reconnects).toBeGreaterThanOrEqual(4);
  });
});
