/**
 * A stand-in OpenTelemetry collector for `--telemetry otlp`: accepts OTLP/HTTP JSON trace exports on
 * `/v1/traces`, counts the spans, answers 200 `{}`. Run as a script it listens on an ephemeral port in its own
 * process, tells the parent the port over IPC, and answers `{cmd:'count'}` with the spans received so far.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Export {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }>;
}

/** The number of spans in one OTLP JSON trace export (0 for anything else). */
export function spansIn(body: string): number {
  let parsed: Export;
  try {
    parsed = JSON.parse(body) as Export;
  } catch {
    return 0;
  }
  let n = 0;
  for (const rs of parsed.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}

export function createOtlpSink(): { server: Server; spans(): number } {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces')
        spans += spansIn(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return { server, spans: () => spans };
}

if (require.main === module) {
  const sink = createOtlpSink();
  sink.server.listen(0, '127.0.0.1', () =>
    process.send?.({ port: (sink.server.address() as AddressInfo).port }),
  );
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd === 'count') process.send?.({ spans: sink.spans() });
  });
  process.once('SIGTERM', () => {
    sink.server.closeAllConnections();
    sink.server.close(() => process.exit(0));
  });
}
