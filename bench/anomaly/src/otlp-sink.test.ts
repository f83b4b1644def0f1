import type { AddressInfo } from 'node:net';
import { createOtlpSink, spansIn } from './otlp-sink';

describe(spansIn.name, () => {
  it('counts the spans of every scope of every resource, and nothing in what is not an export', () => {
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{}, {}] }, { spans: [{}] }] },
        { scopeSpans: [{}] },
        { scopeSpans: [{ spans: [{}] }] },
      ],
    });
    expect(spansIn(body)).toBe(4);
    expect(spansIn('not json')).toBe(0);
    expect(spansIn('{}')).toBe(0);
  });
});

describe(createOtlpSink.name, () => {
  it('answers trace exports with 200 and counts their spans', async () => {
    const sink = createOtlpSink();
    await new Promise<void>((ok) => sink.server.listen(0, '127.0.0.1', ok));
    const { port } = sink.server.address() as AddressInfo;
    try {
      const post = (path: string, body: unknown) =>
        fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body) });
      const res = await post('/v1/traces', { resourceSpans: [{ scopeSpans: [{ spans: [{}, {}, {}] }] }] });
      await post('/v1/metrics', { resourceSpans: [{ scopeSpans: [{ spans: [{}] }] }] });

      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
      expect(sink.spans()).toBe(3);
    } finally {
      sink.server.closeAllConnections();
      sink.server.close();
    }
  });
});
