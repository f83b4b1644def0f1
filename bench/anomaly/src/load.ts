/**
 * A lean HTTP/1.1 load generator for loopback benches: pre-serialised requests written to a few keep-alive
 * sockets (pipelined when a socket already has requests in flight) and a minimal response parser. It costs a
 * small fraction of node:http's client per request, which matters when the generator shares two cores with
 * the server under test: its CPU is the server's lost CPU and its stalls are measured as latency.
 *
 * Open loop: every request has a scheduled send time, and latency runs from that time (no coordinated
 * omission). A stalled server or generator shows up in the tail instead of slowing the load down.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

/** A request of the bench: a JSON body for POST. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Its bytes, serialised once ahead of time (see `withBytes`): the lean client then writes them as they are. */
  bytes?: Buffer;
}

/** The request with its bytes serialised now, so sending it allocates nothing in the timed loop. */
export function withBytes(request: BenchRequest): BenchRequest {
  return { ...request, bytes: serialiseRequest(request) };
}

/** One request's bytes, ready to write: request line, headers and body. */
export function serialiseRequest({ method, path, body }: BenchRequest): Buffer {
  const head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  return Buffer.from(
    body === undefined
      ? `${head}\r\n`
      : `${head}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/** One parsed response: its status (0 when it could not be parsed). */
export type OnResponse = (status: number) => void;

/**
 * Splits a byte stream of HTTP/1.1 responses (with Content-Length bodies, as our services send) into
 * responses, calling `onResponse` once per complete response, in order. Chunked responses are not supported:
 * they end the stream with status 0, which the caller counts as an error.
 */
export function createResponseParser(onResponse: OnResponse): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  return (chunk) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    for (;;) {
      const headerEnd = buf.indexOf(HEADER_END);
      if (headerEnd < 0) break;
      const head = buf.toString('latin1', 0, headerEnd);
      const status = Number(head.slice(9, 12));
      const length = CONTENT_LENGTH.exec(head);
      if (!length) {
        onResponse(0);
        return;
      }
      const end = headerEnd + HEADER_END.length + Number(length[1]);
      if (buf.length < end) break;
      onResponse(Number.isInteger(status) ? status : 0);
      buf = buf.subarray(end);
    }
    if (buf.length > 0) pending = Buffer.from(buf);
  };
}

interface Connection {
  socket: Socket;
  /** Callbacks of the requests written and not yet answered, oldest first. */
  inFlight: OnResponse[];
}

export interface LoadClient {
  /** Sends one request (lean: on the least busy socket); `onResponse` gets its status (0: connection error). */
  send(request: BenchRequest, onResponse: OnResponse): void;
  /** Requests written and not yet answered, over all sockets. */
  inFlight(): number;
  /** Sockets the server had closed and that were opened again (lean client; 0 for node:http's). */
  reconnects(): number;
  close(): void;
}

/**
 * Opens `connections` keep-alive sockets to 127.0.0.1:`port` (Nagle off). A socket the server closes fails what
 * it still owes (status 0) and is replaced by a new one on the next send: a request is never written to a closed
 * socket, where it would wait for an answer forever.
 */
export async function createLoadClient(port: number, connections: number): Promise<LoadClient> {
  let closing = false;
  let reconnects = 0;
  const open = (conn: Connection): Socket => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.on(
      'data',
      createResponseParser((status) => conn.inFlight.shift()?.(status)),
    );
    // A dropped socket fails what it still owes; the caller counts those as errors.
    socket.on('close', () => {
      if (conn.socket === socket) conn.inFlight.splice(0).forEach((cb) => cb(0));
    });
    // Errors end in 'close'; without a listener they would end the process.
    socket.on('error', () => {});
    return socket;
  };
  const pool: Connection[] = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<Connection>((ok, fail) => {
          const conn = { inFlight: [] } as unknown as Connection;
          conn.socket = open(conn);
          conn.socket.once('connect', () => ok(conn));
          conn.socket.once('error', fail);
        }),
    ),
  );
  return {
    send(request, onResponse) {
      let best = pool[0]!;
      for (const conn of pool) {
        if (conn.inFlight.length < best.inFlight.length) best = conn;
        if (best.inFlight.length === 0) break;
      }
      if (best.socket.destroyed && !closing) {
        // What the closed socket still owed fails now; writes to the new socket wait until it connects.
        best.inFlight.splice(0).forEach((cb) => cb(0));
        best.socket = open(best);
        reconnects++;
      }
      best.inFlight.push(onResponse);
      best.socket.write(request.bytes ?? serialiseRequest(request));
    },
    reconnects: () => reconnects,
    inFlight: () => pool.reduce((n, c) => n + c.inFlight.length, 0),
    close: () => {
      closing = true;
      pool.forEach((c) => c.socket.destroy());
    },
  };
}

/**
 * The same interface over node:http's client with a keep-alive agent (the generator this bench used before):
 * kept to show, in one run, what the generator itself costs.
 */
export function createNodeHttpClient(port: number, maxSockets: number): LoadClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  let inFlight = 0;
  return {
    send({ method, path, body }, onResponse) {
      inFlight++;
      let answered = false;
      const answer = (status: number) => {
        if (answered) return;
        answered = true;
        inFlight--;
        onResponse(status);
      };
      const headers =
        body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = httpRequest({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => answer(res.statusCode ?? 0));
      });
      req.on('error', () => answer(0));
      req.end(body);
    },
    inFlight: () => inFlight,
    reconnects: () => 0,
    close: () => agent.destroy(),
  };
}

export interface OpenLoopResult {
  /** ms from each answered request's scheduled send time to its complete response, 2xx only. */
  latencies: number[];
  /** Non-2xx answers, connection failures and requests still unanswered at the deadline. */
  errors: number;
  /** Of `errors`: requests that had no answer `answerTimeoutMs` after the last one was sent. */
  unanswered: number;
  elapsedMs: number;
  /** Process CPU (user + system, µs) the generator used during the run. */
  clientCpuUs: number;
  /** ms each request was written after its scheduled time: the generator's own lateness (timer, stalls). */
  sendLags: number[];
  /** For each of `latencies`: its request's scheduled send time, epoch ms (performance.timeOrigin based). */
  scheduledAtMs: number[];
  /** For each of `latencies`: its request's index (into `sendLags`). */
  requestIndex: number[];
}

/**
 * Sends `requests[i]` at `sendAtMs[i]` ms after the start (a single timer wakes at the next due time and sends
 * everything due), and waits for every answer, at most `answerTimeoutMs` after the last send: what is still
 * unanswered then counts as errors (`unanswered`), so a lost response fails the run instead of hanging it.
 */
export function openLoop(
  client: LoadClient,
  sendAtMs: readonly number[],
  requests: (i: number) => BenchRequest,
  answerTimeoutMs = 10_000,
): Promise<OpenLoopResult> {
  return new Promise((done) => {
    let finished = false;
    let deadline: NodeJS.Timeout | undefined;
    // Preallocated: growing arrays in the timed loop would be copied by the generator's own scavenges.
    const latencies = new Float64Array(sendAtMs.length);
    const sendLags = new Float64Array(sendAtMs.length);
    const scheduledAt = new Float64Array(sendAtMs.length);
    const requestIndex = new Int32Array(sendAtMs.length);
    let answeredOk = 0;
    let errors = 0;
    let answered = 0;
    let next = 0;
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const finish = (unanswered = 0) => {
      if (finished) return;
      finished = true;
      if (deadline !== undefined) clearTimeout(deadline);
      const cpu = process.cpuUsage(cpuBefore);
      done({
        latencies: Array.from(latencies.subarray(0, answeredOk)),
        errors: errors + unanswered,
        unanswered,
        elapsedMs: performance.now() - start,
        clientCpuUs: cpu.user + cpu.system,
        sendLags: Array.from(sendLags.subarray(0, next)),
        scheduledAtMs: Array.from(scheduledAt.subarray(0, answeredOk), (t) => performance.timeOrigin + t),
        requestIndex: Array.from(requestIndex.subarray(0, answeredOk)),
      });
    };
    const onAnswer = (scheduled: number, k: number) => (status: number) => {
      if (finished) return;
      if (status >= 200 && status < 300) {
        scheduledAt[answeredOk] = scheduled;
        requestIndex[answeredOk] = k;
        latencies[answeredOk++] = performance.now() - scheduled;
      } else errors++;
      if (++answered === sendAtMs.length) finish();
    };
    const tick = () => {
      const now = performance.now();
      while (next < sendAtMs.length && start + sendAtMs[next]! <= now) {
        const scheduled = start + sendAtMs[next]!;
        client.send(requests(next), onAnswer(scheduled, next));
        sendLags[next++] = now - scheduled;
      }
      if (next < sendAtMs.length) setTimeout(tick, Math.max(0, start + sendAtMs[next]! - performance.now()));
      else deadline ??= setTimeout(() => finish(sendAtMs.length - answered), answerTimeoutMs);
    };
    if (sendAtMs.length === 0) finish();
    else tick();
  });
}

/**
 * `n` requests with `concurrency` always in flight (closed loop); resolves with the non-2xx count, in which
 * requests still unanswered after `answerTimeoutMs` without any answer are included.
 */
export function closedLoop(
  client: LoadClient,
  n: number,
  concurrency: number,
  requests: (i: number) => BenchRequest,
  answerTimeoutMs = 10_000,
): Promise<number> {
  return new Promise((done) => {
    let sent = 0;
    let answered = 0;
    let errors = 0;
    let finished = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (failures: number) => {
      if (finished) return;
      finished = true;
      if (idle !== undefined) clearTimeout(idle);
      done(failures);
    };
    // No answer for answerTimeoutMs: whatever is still owed counts as failed, so a lost response ends the loop.
    const watch = () => {
      if (idle !== undefined) clearTimeout(idle);
      idle = setTimeout(() => finish(errors + (n - answered)), answerTimeoutMs);
    };
    const sendNext = () => {
      if (sent >= n) return;
      client.send(requests(sent++), (status) => {
        if (finished) return;
        if (status < 200 || status >= 300) errors++;
        if (++answered === n) finish(errors);
        else {
          watch();
          sendNext();
        }
      });
    };
    if (n === 0) return finish(0);
    watch();
    for (let k = 0; k < Math.min(concurrency, n); k++) sendNext();
  });
}
