/**
 * What bounds a bench's throughput or latency, measured in the same run: CPU per process (from /proc, Linux), the
 * embedded database's busy fraction and statements/s (SharedPGliteServer counters), and how long the API waited for a
 * turn on it. A missed goal gets a one-line reason naming the saturated resource with its figure.
 *
 * @example
 * ```ts
 * const w = startWindow([{ name: 'worker', pid }], () => db.embeddedServer?.stats());
 * await work();
 * const m = await w.end(); // m.cpu: [{ name: 'worker', percent: 93 }], m.pglite?.busyPercent …
 * throughputReason(m, statementsPerLead) // "PGlite busy 97 % at 265 statements/s; 43.6 statements per lead ⇒ max 6.1 leads/s"
 * ```
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { SharedServerStats } from '../../db/pglite-shared-server';

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 when unreadable. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat; zeros when unreadable. */
function machineJiffies(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, total }; // minus idle, iowait
  } catch {
    return { busy: 0, total: 0 };
  }
}

export interface CpuShare {
  name: string;
  /** Percent of one core over the window (200 = two cores). */
  percent: number;
}

export interface PgliteWindow {
  busyPercent: number;
  statementsPerSec: number;
  statements: number;
  /** Mean wait of the API's (interactive) units for a turn, ms, and how many ran. */
  apiWaitMs: number;
  apiUnits: number;
  /** Mean wait of the worker's (batch) units, ms. */
  batchWaitMs: number;
}

export interface WindowMeasure {
  seconds: number;
  cores: number;
  cpu: CpuShare[];
  /** Sum of the processes' CPU, percent of one core. */
  cpuTotal: number;
  /** The whole machine's CPU, percent of one core (all processes, ours and others). */
  machine: number;
  load1: number;
  pglite?: PgliteWindow;
}

/** Starts a measuring window over the named processes and, when given, the embedded database's counters. */
export async function startWindow(procs: { name: string; pid: number | undefined }[], pglite?: () => Promise<SharedServerStats | undefined> | undefined) {
  const t0 = performance.now();
  const cpu0 = procs.map((p) => cpuSeconds(p.pid));
  const m0 = machineJiffies();
  const s0 = await pglite?.();
  return {
    async end(): Promise<WindowMeasure> {
      const s1 = await pglite?.();
      const seconds = (performance.now() - t0) / 1000;
      const m1 = machineJiffies();
      const cores = cpus().length;
      const machine = m1.total > m0.total ? Math.round((100 * cores * (m1.busy - m0.busy)) / (m1.total - m0.total)) : 0;
      const cpu = procs.map((p, i) => ({ name: p.name, percent: Math.round((100 * (cpuSeconds(p.pid) - cpu0[i]!)) / seconds) }));
      let pg: PgliteWindow | undefined;
      if (s0 && s1) {
        const apiUnits = s1.interactive.units - s0.interactive.units;
        const batchUnits = s1.batch.units - s0.batch.units;
        pg = {
          busyPercent: Math.round((100 * (s1.busyMs - s0.busyMs)) / (s1.uptimeMs - s0.uptimeMs)),
          statements: s1.statements - s0.statements,
          statementsPerSec: Math.round((s1.statements - s0.statements) / seconds),
          apiUnits,
          apiWaitMs: apiUnits ? (s1.interactive.waitMs - s0.interactive.waitMs) / apiUnits : 0,
          batchWaitMs: batchUnits ? (s1.batch.waitMs - s0.batch.waitMs) / batchUnits : 0,
        };
      }
      return { seconds, cores, cpu, cpuTotal: cpu.reduce((t, c) => t + c.percent, 0), machine, load1: loadavg()[0]!, pglite: pg };
    },
  };
}

const f1 = (x: number) => x.toFixed(1);

/** "machine CPU 196 % of 200 %: Leadflow 120 % (worker 61 %, PGlite 32 %, …), other processes 76 %; load 3.1 on 2 cores". */
export function cpuFigure(m: WindowMeasure): string {
  const parts = [...m.cpu].sort((a, b) => b.percent - a.percent).map((c) => `${c.name} ${c.percent} %`).join(', ');
  return `machine CPU ${m.machine} % of ${m.cores * 100} %: Leadflow ${m.cpuTotal} % (${parts}), other processes ${Math.max(0, m.machine - m.cpuTotal)} %; load ${f1(m.load1)} on ${m.cores} cores`;
}

/** The machine's cores are (nearly) all busy. */
const saturated = (m: WindowMeasure) => Math.max(m.machine, m.cpuTotal) >= 0.8 * m.cores * 100;

/** Why leads/s (or the time to assign a burst) stays where it is: the saturated resource first, with its figure. */
export function throughputReason(m: WindowMeasure, statementsPerLead: number): string {
  const pg = m.pglite;
  const pgText = pg ? `PGlite busy ${pg.busyPercent} % at ${pg.statementsPerSec} statements/s; ${f1(statementsPerLead)} statements per lead ⇒ max ${f1(pg.statementsPerSec / Math.max(statementsPerLead, 1e-9) / (pg.busyPercent / 100 || 1))} leads/s` : '';
  // PGlite's busy time is wall time: on saturated cores part of it is waiting for a core, so it bounds only while it computes.
  const pgCpu = m.cpu.find((c) => c.name === 'PGlite')?.percent ?? 0;
  if (pg && pg.busyPercent >= 80 && (!saturated(m) || pgCpu >= 0.7 * pg.busyPercent)) return `${pgText}; ${cpuFigure(m)}`;
  if (saturated(m)) return `CPU saturated: ${cpuFigure(m)}${pg ? `; ${pgText} (its busy time includes waiting for a core)` : ''}`;
  const top = [...m.cpu].sort((a, b) => b.percent - a.percent)[0];
  if (top && top.percent >= 80) return `${top.name} process at ${top.percent} % of a core (one event loop); ${cpuFigure(m)}${pg ? `; ${pgText}` : ''}`;
  return `no resource saturated: ${cpuFigure(m)}${pg ? `; ${pgText}` : ''} (latency, not capacity)`;
}

/**
 * Why accepting a capture takes what it takes: the API's waits for a turn on the embedded database (summed over the
 * turns of one capture), or CPU. `captures` were accepted in the window, their median answer took `acceptP50` ms.
 */
export function acceptReason(m: WindowMeasure, acceptP50: number, captures: number): string {
  const pg = m.pglite;
  const api = m.cpu.find((c) => c.name === 'API');
  if (pg && captures > 0) {
    const turns = pg.apiUnits / captures;
    const waitPerCapture = pg.apiWaitMs * turns;
    if (waitPerCapture >= 0.3 * acceptP50) {
      return `API waits for PGlite turns: ${f1(waitPerCapture)} ms per capture (${f1(turns)} turns of ${f1(pg.apiWaitMs)} ms; worker turns wait ${f1(pg.batchWaitMs)} ms), PGlite busy ${pg.busyPercent} %; ${cpuFigure(m)}`;
    }
  }
  if (saturated(m)) return `CPU saturated (requests wait for a core): ${cpuFigure(m)}${pg ? `; API turn wait ${f1(pg.apiWaitMs)} ms` : ''}`;
  return `API process ${api?.percent ?? '?'} % of a core; ${cpuFigure(m)}${pg ? `; API turn wait ${f1(pg.apiWaitMs)} ms, PGlite busy ${pg.busyPercent} %` : ''}`;
}

/** True when `value` meets a goal written as ">= 0.5" or "< 50"; true when there is no goal. */
export function goalMet(value: number, goal: string): boolean {
  const m = /^(>=|<=|<|>)\s*([\d.]+)$/.exec(goal.trim());
  if (!m) return true;
  const g = Number(m[2]);
  return m[1] === '>=' ? value >= g : m[1] === '<=' ? value <= g : m[1] === '<' ? value < g : value > g;
}
