/**
 * `bench ingestion --stages`: the ingestion write path's stages in this process, per reading, for both wire forms,
 * and the InfluxDB client's own CPU per point (fetch against node:http) against a sink server in a child process.
 * No Kafka or InfluxDB needed. Each figure is the best of `repeats` passes over the same data (µs per reading or
 * point); ratios are taken within the run.
 */
import { fork } from 'node:child_process';
import * as http from 'node:http';
import { join } from 'node:path';
import {
  collectSensorReadings,
  createDefaultMachineTypeRegistry,
  type BatchForm,
  type SensorReading,
} from '@industrialmind/contracts';
import { toPoint } from '@industrialmind/ingestion';
import type { Point } from '@industrialmind/timeseries-store';
import {
  encodeLines,
  escapeMeasurement,
  toLines,
  validatePoints,
} from '@industrialmind/timeseries-store/write-path';
import { makeWorkload, type Workload } from './workload';

export interface StageOptions {
  readings: number;
  machines: number;
  perMessage: number;
  batch: number;
  repeats: number;
}

/** Best (lowest) µs per item over `repeats` passes of `run`. */
export function bestMicros(items: number, repeats: number, run: () => void): number {
  let best = Infinity;
  for (let k = 0; k < repeats; k++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3 / items);
  }
  return best;
}

/** The bench's workload in one wire form. */
export function stageWorkload(form: BatchForm, o: StageOptions): Workload {
  return makeWorkload(o.readings, o.machines, Date.UTC(2026, 0, 1), o.perMessage, form, o.batch);
}

/** µs per reading of each decoding stage, for the workload's wire form. */
export function decodeStages(w: Workload, o: StageOptions): Record<string, number> {
  const machineTypes = createDefaultMachineTypeRegistry();
  const reject = () => {
    throw new Error('the workload has no invalid reading');
  };
  let readings: SensorReading[] = [];
  const parse = bestMicros(w.readings, o.repeats, () => {
    for (const m of w.messages) JSON.parse(m.value.toString());
  });
  const collect = bestMicros(w.readings, o.repeats, () => {
    readings = collectSensorReadings(w.messages, { machineTypes }, reject);
  });
  if (readings.length !== w.readings) throw new Error(`decoded ${readings.length} of ${w.readings} readings`);
  let points: Point[] = [];
  const point = bestMicros(w.readings, o.repeats, () => {
    points = readings.map(toPoint);
  });
  const validate = bestMicros(w.readings, o.repeats, () => {
    for (let i = 0; i < points.length; i += o.batch) validatePoints(points.slice(i, i + o.batch));
  });
  return {
    bytes_per_reading: w.bytesPerReading,
    json_parse_us: parse,
    collect_sensor_readings_us: collect,
    to_point_us: point,
    validate_points_us: validate,
  };
}

/** µs per point of line-protocol encoding: the string encoder + Buffer.from against `encodeLines`. */
export function encodeStages(w: Workload, o: StageOptions): Record<string, number | boolean> {
  const points = collectSensorReadings(
    w.messages,
    { machineTypes: createDefaultMachineTypeRegistry() },
    () => {
      throw new Error('the workload has no invalid reading');
    },
  ).map(toPoint);
  const m = escapeMeasurement('sensor_reading');
  const chunks = (f: (from: number, to: number) => void) => {
    for (let i = 0; i < points.length; i += o.batch) f(i, Math.min(points.length, i + o.batch));
  };
  let identical = true;
  chunks((from, to) => {
    if (!encodeLines(m, points, from, to).equals(Buffer.from(toLines(m, points, from, to))))
      identical = false;
  });
  const strings = bestMicros(points.length, o.repeats, () =>
    chunks((from, to) => void Buffer.from(toLines(m, points, from, to))),
  );
  const bytes = bestMicros(points.length, o.repeats, () =>
    chunks((from, to) => void encodeLines(m, points, from, to)),
  );
  return {
    to_lines_and_buffer_us: strings,
    encode_lines_us: bytes,
    encode_ratio: bytes / strings,
    identical,
  };
}

/** POSTs `body` with node:http over `agent`, as the InfluxDB adapter writes. */
function postNodeHttp(url: string, agent: http.Agent, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': body.byteLength } },
      (res) => {
        res.resume();
        res.once('end', () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function postFetch(url: string, body: Buffer): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`HTTP ${res.status}`);
}

/** A sink for the client stage: where to post, and how to stop it. */
export interface Sink {
  port: number;
  close(): void;
}

/** The sink in a child process (dist/sink.js), so its CPU is not counted as the client's. */
export async function forkSink(): Promise<Sink> {
  const child = fork(join(__dirname, 'sink.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return { port, close: () => void child.kill('SIGTERM') };
}

/** This process's CPU µs per point posting the bodies (2 in flight) with each client, rounds alternating. */
export async function clientStages(w: Workload, sink: Sink, rounds = 3): Promise<Record<string, number>> {
  const url = `http://127.0.0.1:${sink.port}/api/v2/write?bucket=b&precision=ms`;
  const agent = new http.Agent({ keepAlive: true });
  const clients: Record<string, (body: Buffer) => Promise<void>> = {
    fetch: (body) => postFetch(url, body),
    node_http: (body) => postNodeHttp(url, agent, body),
  };
  const cpu: Record<string, number[]> = { fetch: [], node_http: [] };
  try {
    for (let r = 0; r <= rounds; r++)
      for (const [name, post] of Object.entries(clients)) {
        const before = process.cpuUsage();
        let next = 0;
        await Promise.all(
          [0, 1].map(async () => {
            while (next < w.bodies.length) await post(w.bodies[next++]!);
          }),
        );
        const used = process.cpuUsage(before);
        // Round 0 warms both clients up (connections, JIT) and is not counted.
        if (r > 0) cpu[name]!.push((used.user + used.system) / w.readings);
      }
  } finally {
    agent.destroy();
  }
  const best = (xs: number[]) => Math.min(...xs);
  return {
    fetch_client_cpu_us: best(cpu.fetch!),
    node_http_client_cpu_us: best(cpu.node_http!),
    client_ratio: best(cpu.node_http!) / best(cpu.fetch!),
  };
}

async function withSink(w: Workload): Promise<Record<string, number>> {
  const sink = await forkSink();
  try {
    return await clientStages(w, sink);
  } finally {
    sink.close();
  }
}

export async function runStages(o: StageOptions): Promise<Record<string, unknown>> {
  const rows = stageWorkload('rows', o);
  const decode = { array: decodeStages(stageWorkload('array', o), o), rows: decodeStages(rows, o) };
  return {
    type: 'stages',
    readings: o.readings,
    per_message: o.perMessage,
    batch: o.batch,
    repeats: o.repeats,
    decode,
    parse_ratio_rows_to_array: decode.rows.json_parse_us! / decode.array.json_parse_us!,
    encode: encodeStages(rows, o),
    client: await withSink(rows),
  };
}
