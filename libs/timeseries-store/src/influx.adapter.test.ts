import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import { fluxString } from './flux';
import { InfluxTimeSeriesStore, createInfluxTimeSeriesStore, toStoreError } from './influx.adapter';
import { escapeTag, toLine } from './line-protocol';

// Error translation and wire format against stand-in servers on loopback; the behaviour against a real InfluxDB is
// the contract suite in influx.adapter.int.test.ts.

const T0 = Date.UTC(2026, 0, 1);
const point = (fields: Record<string, number> = { temperature: 1 }) => ({
  machineId: 'm-1',
  machineType: 'pump',
  location: '',
  timestampMs: T0,
  fields,
});

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function fakeInflux(
  respond: (req: Recorded, res: ServerResponse) => void,
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      respond(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (fetch refuses well-known "bad ports" such as 1 before connecting). */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function reply(status: number, body: unknown = '') {
  return (_req: Recorded, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

describe(InfluxTimeSeriesStore.name, () => {
  it('reports an unreachable server as UPSTREAM_UNAVAILABLE without waiting for the timeout', async () => {
    const sut = createInfluxTimeSeriesStore({
      url: `http://127.0.0.1:${await closedPort()}`,
      bucket: 'db/autogen',
      timeoutMs: 60_000,
    });
    const unavailable = { code: ErrorCode.UPSTREAM_UNAVAILABLE, retryable: true };
    await expect(sut.connect()).rejects.toMatchObject(unavailable);
    await expect(sut.ping()).rejects.toMatchObject(unavailable);
    await expect(sut.writePoints([point()])).rejects.toMatchObject(unavailable);
    await expect(sut.queryRange({ machineId: 'm', fromMs: T0, toMs: T0 + 1 })).rejects.toMatchObject(
      unavailable,
    );
    await expect(sut.countPoints({ fromMs: T0, toMs: T0 + 1 })).rejects.toMatchObject(unavailable);
    await expect(sut.latest()).rejects.toMatchObject(unavailable);
  }, 5_000);

  it('posts line protocol with ms precision, the token and the bucket, one request per writeBatchPoints', async () => {
    const server = await fakeInflux(reply(204));
    try {
      const sut = createInfluxTimeSeriesStore({
        url: `${server.url}/`,
        bucket: 'plant/autogen',
        org: 'acme',
        token: 'user:secret',
        writeBatchPoints: 2,
      });
      const points = [1, 2, 3].map((i) => ({
        ...point({ 'flow rate,rms': i, s_1: -i }),
        timestampMs: T0 + i,
      }));
      points[1]!.location = 'hall 1';
      await sut.writePoints(points);
      expect(server.requests).toHaveLength(2);
      const [first, second] = server.requests;
      expect(first!.method).toBe('POST');
      expect(first!.url).toBe('/api/v2/write?org=acme&bucket=plant%2Fautogen&precision=ms');
      expect(first!.headers.authorization).toBe('Token user:secret');
      expect(first!.body).toBe(
        [
          `sensor_reading,machine_id=m-1,machine_type=pump flow\\ rate\\,rms=1,s_1=-1 ${T0 + 1}`,
          `sensor_reading,location=hall\\ 1,machine_id=m-1,machine_type=pump flow\\ rate\\,rms=2,s_1=-2 ${T0 + 2}`,
        ].join('\n'),
      );
      expect(second!.body.split('\n')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it.each([
    [400, ErrorCode.VALIDATION_FAILED, false],
    [413, ErrorCode.VALIDATION_FAILED, false],
    [401, ErrorCode.UPSTREAM_UNAVAILABLE, true],
    [404, ErrorCode.UPSTREAM_UNAVAILABLE, true],
    [429, ErrorCode.UPSTREAM_UNAVAILABLE, true],
    [500, ErrorCode.UPSTREAM_UNAVAILABLE, true],
    [503, ErrorCode.UPSTREAM_UNAVAILABLE, true],
    [504, ErrorCode.UPSTREAM_TIMEOUT, true],
  ])('maps HTTP %i on write to %s', async (status, code, retryable) => {
    const server = await fakeInflux(reply(status, { error: 'nope' }));
    try {
      const sut = createInfluxTimeSeriesStore({ url: server.url, bucket: 'db/autogen' });
      await expect(sut.writePoints([point()])).rejects.toMatchObject({
        code,
        retryable,
        message: expect.stringContaining('nope'),
      });
    } finally {
      await server.close();
    }
  });

  it('maps a failed query and a failed health check to coded errors with the server’s reason', async () => {
    const server = await fakeInflux(reply(503, { code: 'unavailable', message: 'starting up' }));
    try {
      const sut = createInfluxTimeSeriesStore({ url: server.url, bucket: 'db/autogen' });
      await expect(sut.ping()).rejects.toMatchObject({
        code: ErrorCode.UPSTREAM_UNAVAILABLE,
        message: expect.stringContaining('starting up'),
      });
      await expect(sut.latest()).rejects.toMatchObject({
        code: ErrorCode.UPSTREAM_UNAVAILABLE,
        message: expect.stringContaining('starting up'),
      });
    } finally {
      await server.close();
    }
  });

  it('reports a server that accepts but never answers as UPSTREAM_TIMEOUT', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const sut = createInfluxTimeSeriesStore({
        url: `http://127.0.0.1:${port}`,
        bucket: 'db/autogen',
        timeoutMs: 200,
      });
      await expect(sut.writePoints([point()])).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_TIMEOUT });
      await expect(sut.countPoints({ fromMs: T0, toMs: T0 + 1 })).rejects.toMatchObject({
        code: ErrorCode.UPSTREAM_TIMEOUT,
      });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('validates points before sending anything', async () => {
    const server = await fakeInflux(reply(204));
    try {
      const sut = createInfluxTimeSeriesStore({ url: server.url, bucket: 'db/autogen' });
      await expect(sut.writePoints([point(), point({ temperature: Number.NaN })])).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        details: { problems: [{ index: 1, reason: expect.stringContaining('finite') }] },
      });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('refuses an invalid url, a missing bucket and a zero batch size', () => {
    expect(() => createInfluxTimeSeriesStore({ url: 'influx:8086 x', bucket: 'b' })).toThrow(AppError);
    expect(() => createInfluxTimeSeriesStore({ url: 'http://127.0.0.1:8086', bucket: '' })).toThrow('bucket');
    expect(() =>
      createInfluxTimeSeriesStore({ url: 'http://127.0.0.1:8086', bucket: 'b', writeBatchPoints: 0 }),
    ).toThrow('writeBatchPoints');
  });

  it('translates driver errors it does not know as INTERNAL and keeps AppErrors', () => {
    const own = new AppError(ErrorCode.CONFLICT, 'x');
    expect(toStoreError(own, 'query')).toBe(own);
    expect(toStoreError(new RequestTimedOutError(), 'query').code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    expect(toStoreError(new HttpError(400, 'Bad Request', '{"error":"bad flux"}'), 'query')).toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      message: expect.stringContaining('bad flux'),
    });
    expect(toStoreError(new HttpError(502, 'Bad Gateway', 'plain text'), 'query').message).toContain(
      'plain text',
    );
    expect(toStoreError(new Error('weird'), 'write')).toMatchObject({
      code: ErrorCode.INTERNAL,
      retryable: false,
    });
    const wrapped = new TypeError('fetch failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    expect(toStoreError(wrapped, 'write')).toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      message: expect.stringContaining('ECONNRESET'),
    });
  });
});

describe('line protocol and Flux text', () => {
  it('escapes commas, equals signs and spaces in tags and field keys', () => {
    expect(escapeTag('a,b=c d')).toBe('a\\,b\\=c\\ d');
    expect(toLine('m', { ...point({ 'x=y': 1e21, z: 1e-7 }), location: 'a b' })).toBe(
      `m,location=a\\ b,machine_id=m-1,machine_type=pump x\\=y=1e+21,z=1e-7 ${T0}`,
    );
  });

  it('quotes Flux strings so that no caller text ends the literal', () => {
    expect(fluxString('a"b')).toBe('"a\\"b"');
    expect(fluxString('${x}\\')).toBe('"\\${x}\\\\"');
    expect(fluxString('l1\nl2\r\t')).toBe('"l1\\nl2\\r\\t"');
  });
});
