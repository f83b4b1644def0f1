import type { RelationalStore, Rule, Silence } from '@industrialmind/relational-store';

/**
 * Rules, active silences and each machine's line, read from the store at most every `ttlMs`: a storm of events
 * costs no extra queries, and a rule change reaches every instance within `ttlMs` (or at once in this instance,
 * through `invalidate`).
 */
export class EvaluationContextCache {
  private loadedAt = 0;
  private rules: Rule[] = [];
  private silences: Silence[] = [];
  private lines = new Map<string, { line: string | null; at: number }>();

  constructor(
    private readonly store: Pick<RelationalStore, 'listRules' | 'listSilences' | 'getEquipment'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  invalidate(): void {
    this.loadedAt = 0;
  }

  async get(): Promise<{ rules: Rule[]; silences: Silence[] }> {
    if (this.now() - this.loadedAt >= this.ttlMs) {
      const [rules, silences] = await Promise.all([this.store.listRules(), this.store.listSilences()]);
      this.rules = rules;
      this.silences = silences.filter((s) => s.endsAt.getTime() > this.now());
      this.loadedAt = this.now();
    }
    return { rules: this.rules, silences: this.silences };
  }

  /** The production line of a machine (the storm grouping key), from the equipment table. */
  async lineOf(machineId: string): Promise<string | null> {
    const cached = this.lines.get(machineId);
    if (cached && this.now() - cached.at < this.ttlMs * 12) return cached.line;
    const equipment = await this.store.getEquipment(machineId);
    const line = equipment?.line ?? null;
    this.lines.set(machineId, { line, at: this.now() });
    return line;
  }
}
