/**
 * CPU time per process, so a run can say where the machine's cores went: CPU-seconds are counted by the kernel
 * whatever else the machine is doing, which makes "CPU microseconds per reading" per component far steadier on a
 * shared VM than wall-clock rates.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** User + system CPU seconds a process has used so far, or undefined if it cannot be read (gone, not Linux). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces); utime and stime are fields 14, 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The pid of the process listening on a loopback TCP port, from `ss`; undefined if none or `ss` is missing. */
export function pidListeningOn(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const match = /pid=(\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export type CpuComponents = Record<string, number | undefined>;

/** Samples the CPU seconds of named pids (and this process, as `self`) at start and at `stop()`. */
export function cpuMeter(pids: Record<string, number | undefined>): { stop(): CpuComponents } {
  const selfStart = process.cpuUsage();
  const start = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : processCpuSeconds(pid)]),
  );
  return {
    stop() {
      const self = process.cpuUsage(selfStart);
      const used: CpuComponents = { self: (self.user + self.system) / 1e6 };
      for (const [name, pid] of Object.entries(pids)) {
        const before = start[name];
        const after = pid === undefined ? undefined : processCpuSeconds(pid);
        used[name] = before === undefined || after === undefined ? undefined : after - before;
      }
      return used;
    },
  };
}
