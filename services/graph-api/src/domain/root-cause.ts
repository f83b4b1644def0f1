import { AppError, ErrorCode } from '@industrialmind/errors';
import type { GraphNode, GraphRelation, GraphStore, StoredAnalysis } from '@industrialmind/graph-store';

/** What the ranking needs from the graph: lookups, one traversal and one-hop expansions, stored analyses. */
export type RootCauseStore = Pick<
  GraphStore,
  'getNode' | 'traverse' | 'expand' | 'expandSteps' | 'listAnalyses'
>;

/** An anomaly to explain: where, when, and how much each channel contributed to its score. */
export interface AnomalyInput {
  machineId: string;
  timestampMs: number;
  /** Channel -> contribution (negative values count as 0). */
  contributions: Record<string, number>;
  eventId?: string;
  /**
   * Upstream anomalies up to this time count as evidence (default: the anomaly's own time). Later than the anomaly
   * when an analysis is revised because an upstream machine's own anomaly was detected after it.
   */
  evidenceUntilMs?: number;
}

export interface RootCauseSettings {
  /** How far upstream (FEEDS hops) candidates are looked for. */
  upstreamHops: number;
  /** Anomalies on upstream equipment at most this long before (or at) the anomaly count as evidence. */
  neighbourWindowMs: number;
  /** Analyses of similar equipment over this period form the failure history. */
  historyWindowMs: number;
  maxCandidates: number;
}

export const DEFAULT_ROOT_CAUSE_SETTINGS: RootCauseSettings = {
  upstreamHops: 3,
  neighbourWindowMs: 30 * 60_000,
  historyWindowMs: 30 * 86_400_000,
  maxCandidates: 10,
};

export type Evidence =
  | {
      kind: 'sensor';
      machine_id: string;
      channel: string;
      contribution: number;
      impact: number;
      via?: string;
    }
  | { kind: 'upstream_anomaly'; machine_id: string; event_id: string; timestamp: string; support: number }
  | { kind: 'no_upstream_anomaly'; machine_id: string }
  | { kind: 'similar_history'; machine_id: string; similarity: number; analyses: number }
  | { kind: 'criticality'; value: number };

export interface Candidate {
  component_id: string;
  component_type: string;
  machine_id: string;
  /** Share of the total score, 0-1 (the candidates' scores sum to at most 1). */
  score: number;
  /** FEEDS hops from the candidate's machine to the anomalous one (0: the machine itself). */
  hops: number;
  /** The relations that connect the candidate to the symptoms, in order. */
  path: GraphRelation[];
  evidence: Evidence[];
}

export interface RootCauseResult {
  machine_id: string;
  timestamp: string;
  event_id?: string;
  contributions: Record<string, number>;
  candidates: Candidate[];
}

// How much of a disturbance in each channel travels along a FEEDS link (process flow): pressure and the medium's
// temperature carry to the next machine, its vibration and electrical power do not.
export const PROCESS_TRANSFER: Readonly<Record<string, number>> = {
  pressure: 0.8,
  temperature: 0.6,
  vibration: 0.05,
  power: 0.05,
};
const HOP_DECAY = 0.7;
// Without an anomaly on the upstream machine itself, an upstream cause is unlikely (its own sensors would show
// it first); with one that the component explains, it is the likelier story than a local fault.
const UPSTREAM_WITHOUT_EVIDENCE = 0.15;
const UPSTREAM_EVIDENCE_GAIN = 2.5;
const HISTORY_GAIN = 0.3;

interface MachineParts {
  components: GraphNode[];
  /** channel -> sensor id */
  sensors: Map<string, string>;
  contains: Map<string, GraphRelation>;
  hasSensor: Map<string, GraphRelation>;
}

/** Positive contributions scaled to sum 1. */
export function normaliseContributions(contributions: Record<string, number>): Record<string, number> {
  const positive = Object.entries(contributions).filter(([, v]) => Number.isFinite(v) && v > 0);
  const total = positive.reduce((s, [, v]) => s + v, 0);
  return total > 0 ? Object.fromEntries(positive.map(([k, v]) => [k, v / total])) : {};
}

/**
 * Ranks the components that may have caused an anomaly. Candidates are the components of the anomalous machine
 * and of the machines up to `upstreamHops` FEEDS hops upstream. A candidate's score multiplies:
 * - how well it explains the anomaly's channels: sum over channels of contribution x the impact of its AFFECTS
 *   relation on that channel's sensor (directly, or through another component: the product of both impacts);
 *   upstream, that impact is on its own machine's sensor, times how much the channel travels per FEEDS hop
 *   ({@link PROCESS_TRANSFER}) and a decay per further hop;
 * - upstream only: whether the upstream machine had its own anomaly in the last `neighbourWindowMs` that this
 *   component explains (support), or not (a strong discount);
 * - the failure history of similar equipment (SIMILAR_TO): how often this component type was the top cause
 *   there, weighted by similarity;
 * - the component's criticality, as a weak prior.
 * Scores are normalised to shares; each candidate carries its graph path and the evidence behind its score.
 */
export async function rankRootCauses(
  store: RootCauseStore,
  anomaly: AnomalyInput,
  settings: RootCauseSettings = DEFAULT_ROOT_CAUSE_SETTINGS,
): Promise<RootCauseResult> {
  // Two rounds of queries, each run in parallel (on Neo4j every round trip counts): first the machine, what
  // feeds it and what is similar to it; then the parts of all those machines and the analyses that are evidence.
  const t = anomaly.timestampMs;
  const [machine, upstream, similarExp] = await Promise.all([
    store.getNode(anomaly.machineId),
    store
      .traverse(anomaly.machineId, {
        types: ['FEEDS'],
        direction: 'in',
        maxHops: settings.upstreamHops,
        kinds: ['Equipment'],
      })
      .catch((err: unknown) => {
        if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) return [];
        throw err;
      }),
    store.expand([anomaly.machineId], { types: ['SIMILAR_TO'], direction: 'both' }),
  ]);
  if (!machine || machine.kind !== 'Equipment') {
    throw new AppError(ErrorCode.NOT_FOUND, `no equipment ${anomaly.machineId} in the graph`, {
      details: [{ path: 'machine_id', message: 'is not an Equipment node' }],
    });
  }
  const contributions = normaliseContributions(anomaly.contributions);
  const machines = [machine.id, ...upstream.map((u) => u.node.id)];
  const similar = similarityOf(machine.id, similarExp.relations);
  const [partsExp, recent, history] = await Promise.all([
    store.expandSteps(machines, [
      { types: ['CONTAINS', 'HAS_SENSOR'], direction: 'out' },
      { types: ['AFFECTS'], direction: 'out' },
    ]),
    upstream.length === 0
      ? Promise.resolve([] as StoredAnalysis[])
      : store.listAnalyses({
          machineIds: upstream.map((u) => u.node.id),
          fromMs: t - settings.neighbourWindowMs,
          toMs: Math.min(Math.max(anomaly.evidenceUntilMs ?? t, t), t + settings.neighbourWindowMs) + 1,
          limit: 1000,
        }),
    similar.size === 0
      ? Promise.resolve([] as StoredAnalysis[])
      : store.listAnalyses({
          machineIds: [...similar.keys()],
          fromMs: t - settings.historyWindowMs,
          toMs: t,
          limit: 1000,
        }),
  ]);
  const parts = new Map<string, MachineParts>(
    machines.map((id) => [
      id,
      { components: [], sensors: new Map(), contains: new Map(), hasSensor: new Map() },
    ]),
  );
  const affects = new Map<string, GraphRelation[]>();
  for (const r of partsExp.relations) {
    if (r.type === 'AFFECTS') {
      affects.set(r.from, [...(affects.get(r.from) ?? []), r]);
      continue;
    }
    const p = parts.get(r.from);
    const target = partsExp.nodes.get(r.to);
    if (!p || !target) continue;
    if (r.type === 'CONTAINS' && target.kind === 'Component') {
      p.components.push(target);
      p.contains.set(target.id, r);
    } else if (r.type === 'HAS_SENSOR' && target.kind === 'Sensor') {
      p.sensors.set(String(target.properties.channel), target.id);
      p.hasSensor.set(target.id, r);
    }
  }
  const historyByType = historyPrior(history, similar);

  const raw: Array<Candidate & { raw: number }> = [];
  const hopsOf = new Map<string, number>([
    [machine.id, 0],
    ...upstream.map((u) => [u.node.id, u.hops] as const),
  ]);
  for (const machineId of machines) {
    const p = parts.get(machineId)!;
    const hops = hopsOf.get(machineId)!;
    const feedsPath =
      hops === 0 ? [] : [...upstream.find((u) => u.node.id === machineId)!.relations].reverse();
    const ownAnomaly = hops === 0 ? undefined : strongest(recent.filter((a) => a.machineId === machineId));
    for (const component of p.components) {
      const strengths = channelStrengths(component.id, p, affects);
      let explained = 0;
      let best: { channel: string; value: number; relations: GraphRelation[] } | undefined;
      const evidence: Evidence[] = [];
      for (const [channel, c] of Object.entries(contributions)) {
        const s = strengths.get(channel);
        if (!s) continue;
        const transfer = hops === 0 ? 1 : (PROCESS_TRANSFER[channel] ?? 0) * HOP_DECAY ** (hops - 1);
        const value = c * s.impact * transfer;
        if (value <= 0) continue;
        explained += value;
        evidence.push({
          kind: 'sensor',
          machine_id: machineId,
          channel,
          contribution: round(c),
          impact: round(s.impact),
          ...(s.via ? { via: s.via } : {}),
        });
        if (!best || value > best.value) best = { channel, value, relations: s.relations };
      }
      if (explained <= 0 || !best) continue;
      let score = explained;
      if (hops > 0) {
        if (ownAnomaly) {
          const own = normaliseContributions(contributionsOf(ownAnomaly));
          let support = 0;
          for (const [channel, c] of Object.entries(own))
            support += c * (strengths.get(channel)?.impact ?? 0);
          score *= UPSTREAM_WITHOUT_EVIDENCE + UPSTREAM_EVIDENCE_GAIN * support;
          evidence.push({
            kind: 'upstream_anomaly',
            machine_id: machineId,
            event_id: ownAnomaly.id,
            timestamp: new Date(ownAnomaly.timestampMs).toISOString(),
            support: round(support),
          });
        } else {
          score *= UPSTREAM_WITHOUT_EVIDENCE;
          evidence.push({ kind: 'no_upstream_anomaly', machine_id: machineId });
        }
      }
      const type = String(component.properties.type);
      const prior = historyByType.get(type);
      if (prior) {
        score *= 1 + HISTORY_GAIN * prior.weight;
        for (const e of prior.evidence) evidence.push(e);
      }
      const criticality = Number(component.properties.criticality ?? 0.5);
      score *= 0.85 + 0.15 * criticality;
      evidence.push({ kind: 'criticality', value: criticality });
      const symptomSensor = parts.get(machine.id)!.sensors.get(best.channel);
      const path: GraphRelation[] = [
        p.contains.get(component.id)!,
        ...best.relations,
        ...feedsPath,
        ...(hops > 0 && symptomSensor ? [parts.get(machine.id)!.hasSensor.get(symptomSensor)!] : []),
      ];
      raw.push({
        component_id: component.id,
        component_type: type,
        machine_id: machineId,
        score: 0,
        raw: score,
        hops,
        path,
        evidence,
      });
    }
  }
  const total = raw.reduce((s, c) => s + c.raw, 0);
  raw.sort((a, b) => b.raw - a.raw || (a.component_id < b.component_id ? -1 : 1));
  return {
    machine_id: machine.id,
    timestamp: new Date(t).toISOString(),
    ...(anomaly.eventId ? { event_id: anomaly.eventId } : {}),
    contributions: Object.fromEntries(Object.entries(contributions).map(([k, v]) => [k, round(v)])),
    candidates: raw
      .slice(0, settings.maxCandidates)
      .map(({ raw: r, ...c }) => ({ ...c, score: round(r / total) })),
  };
}

/**
 * The impact of a component on each channel of its machine: its own AFFECTS on the channel's sensor, or through
 * one other component of the machine (component -> component -> sensor, impacts multiplied), whichever is larger.
 */
function channelStrengths(
  componentId: string,
  parts: MachineParts,
  affects: Map<string, GraphRelation[]>,
): Map<string, { impact: number; relations: GraphRelation[]; via?: string }> {
  const channelOf = new Map([...parts.sensors].map(([channel, sensor]) => [sensor, channel]));
  const out = new Map<string, { impact: number; relations: GraphRelation[]; via?: string }>();
  const offer = (channel: string, impact: number, relations: GraphRelation[], via?: string) => {
    const current = out.get(channel);
    if (!current || impact > current.impact) out.set(channel, { impact, relations, ...(via ? { via } : {}) });
  };
  for (const r of affects.get(componentId) ?? []) {
    const impact = Number(r.properties.impact ?? 0);
    const channel = channelOf.get(r.to);
    if (channel) {
      offer(channel, impact, [r]);
      continue;
    }
    for (const r2 of affects.get(r.to) ?? []) {
      const channel2 = channelOf.get(r2.to);
      if (channel2) offer(channel2, impact * Number(r2.properties.impact ?? 0), [r, r2], r.to);
    }
  }
  return out;
}

function similarityOf(machineId: string, relations: GraphRelation[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of relations) {
    const other = r.from === machineId ? r.to : r.from;
    if (other !== machineId)
      out.set(other, Math.max(out.get(other) ?? 0, Number(r.properties.similarity ?? 0)));
  }
  return out;
}

/** Per component type: the similarity-weighted share of similar machines' analyses that ranked it first. */
function historyPrior(
  history: StoredAnalysis[],
  similar: Map<string, number>,
): Map<string, { weight: number; evidence: Evidence[] }> {
  const out = new Map<string, { weight: number; evidence: Evidence[] }>();
  if (history.length === 0) return out;
  const perMachine = new Map<string, Map<string, number>>();
  for (const a of history) {
    const top = (a.document.candidates as Array<{ component_type?: string; hops?: number }> | undefined)?.[0];
    if (!top?.component_type || top.hops !== 0) continue;
    const counts = perMachine.get(a.machineId) ?? new Map<string, number>();
    counts.set(top.component_type, (counts.get(top.component_type) ?? 0) + 1);
    perMachine.set(a.machineId, counts);
  }
  for (const [machineId, counts] of perMachine) {
    const total = [...counts.values()].reduce((s, n) => s + n, 0);
    const similarity = similar.get(machineId) ?? 0;
    for (const [type, n] of counts) {
      const entry = out.get(type) ?? { weight: 0, evidence: [] };
      entry.weight += (similarity * n) / total;
      entry.evidence.push({ kind: 'similar_history', machine_id: machineId, similarity, analyses: n });
      out.set(type, entry);
    }
  }
  return out;
}

function contributionsOf(analysis: StoredAnalysis): Record<string, number> {
  const c = analysis.document.contributions;
  return c && typeof c === 'object' ? (c as Record<string, number>) : {};
}

/** The most recent of a machine's analyses (the list is newest first). */
function strongest(analyses: StoredAnalysis[]): StoredAnalysis | undefined {
  return analyses[0];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * Revises the stored analyses of anomalies downstream of a new one. A fault upstream often shows downstream first
 * (the downstream sensor reacts sooner than the upstream detector decides), so when machine U's own anomaly
 * arrives, the analyses of machines up to `upstreamHops` FEEDS hops downstream from the last `neighbourWindowMs`
 * are ranked again with U's anomaly as evidence and saved under the same id (`revision` counts the updates).
 * Returns the number of analyses revised.
 */
export async function reviseDownstream(
  store: RootCauseStore & Pick<GraphStore, 'saveAnalysis'>,
  trigger: { machineId: string; timestampMs: number },
  settings: RootCauseSettings = DEFAULT_ROOT_CAUSE_SETTINGS,
): Promise<number> {
  const downstream = await store.traverse(trigger.machineId, {
    types: ['FEEDS'],
    direction: 'out',
    maxHops: settings.upstreamHops,
    kinds: ['Equipment'],
  });
  if (downstream.length === 0) return 0;
  const analyses = await store.listAnalyses({
    machineIds: downstream.map((d) => d.node.id),
    fromMs: trigger.timestampMs - settings.neighbourWindowMs,
    toMs: trigger.timestampMs,
    limit: 1000,
  });
  for (const a of analyses) {
    const contributions = a.document.contributions;
    if (!contributions || typeof contributions !== 'object') continue;
    const result = await rankRootCauses(
      store,
      {
        machineId: a.machineId,
        timestampMs: a.timestampMs,
        contributions: contributions as Record<string, number>,
        ...(typeof a.document.event_id === 'string' ? { eventId: a.document.event_id } : {}),
        evidenceUntilMs: trigger.timestampMs,
      },
      settings,
    );
    const revision = typeof a.document.revision === 'number' ? a.document.revision + 1 : 1;
    await store.saveAnalysis({
      ...a,
      document: { ...a.document, ...result, revision, revised_by: trigger.machineId },
    });
  }
  return analyses.length;
}
