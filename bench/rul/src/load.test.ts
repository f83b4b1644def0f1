import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { quantile, runLoad, summarise } from './load';

describe('load', () => {
  it('takes nearest-rank quantiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarises latencies and counts errors in the rate', () => {
    const sut = summarise([3, 1, 2], { 'HTTP 500': 1 }, 2);
    expect(sut).toMatchObject({ count: 3, errors: 1, rate: 2, p50Ms: 2, maxMs: 3 });
  });

  describe('against a local server', () => {
    let server: Server;
    let port: number;
    const seen: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          seen.push(`${req.method} ${req.url} ${body}`);
          res.statusCode = body === '"bad"' ? 400 : 200;
          res.end('{}');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((r) => server.close(r)));

    it('sends rate x duration requests with the bodies in turn and counts non-200 as errors', async () => {
      const sut = await runLoad({
        port,
        method: 'POST',
        path: '/x',
        bodies: ['"a"', '"bad"'],
        ratePerSec: 100,
        durationSec: 0.2,
      });
      expect(sut.count).toBe(10);
      expect(sut.errors).toBe(10);
      expect(sut.errorKinds).toEqual({ 'HTTP 400': 10 });
      expect(seen.filter((s) => s === 'POST /x "a"')).toHaveLength(10);
    });
  });
});
