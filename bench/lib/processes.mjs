// What each process of the system costs, read from Linux /proc: CPU time (utime + stime of
// /proc/<pid>/stat) and resident memory (VmRSS of /proc/<pid>/status). A watched process counts with
// its descendants: an app is spawned through spawnTied, which runs `setpriv … -- node app.js`;
// setpriv execs node, so the child's pid is node itself today, but a wrapper that forks (or a node
// that spawns workers) would still be counted whole. The bench's own process counts alone, since
// every app and server is its descendant.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Every process: pid → { ppid, cpuTicks }. */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

function treeOf(root, table) {
  if (!table.has(root)) return [];
  const children = new Map();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const pids = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    pids.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/**
 * The processes a bench watches: name → { pid, tree }, `tree` counting the descendants too.
 * Apps are named as in APPS, servers `kafka`, `mongod`, `redis`, `s3`, the bench itself `bench client`.
 */
export class Watched {
  constructor() {
    this.entries = new Map();
  }

  add(name, pid, { tree = true, group } = {}) {
    if (pid) this.entries.set(name, { pid, tree, group });
    return this;
  }

  names(group) {
    return [...this.entries].filter(([, entry]) => !group || entry.group === group).map(([name]) => name);
  }

  /** CPU ms used so far by each watched process (with its tree), and by the whole machine. */
  cpu() {
    const table = processTable();
    const perTick = 1000 / clockTicks();
    const processes = {};
    for (const [name, { pid, tree }] of this.entries) {
      const pids = tree ? treeOf(pid, table) : table.has(pid) ? [pid] : [];
      processes[name] = pids.length ? pids.reduce((sum, each) => sum + table.get(each).cpuTicks, 0) * perTick : NaN;
    }
    return { at: performance.now(), processes, machine: machineCpu() };
  }

  /** Resident memory (MB, VmRSS) of each watched process with its tree. */
  rss() {
    return this.memory('status', /^VmRSS:\s+(\d+)\s+kB/m);
  }

  /**
   * Proportional memory (MB, Pss of /proc/<pid>/smaps_rollup): resident pages, each shared page
   * divided among the processes sharing it. Six apps on one Node binary share its ~50 MB of code,
   * which RSS counts six times.
   */
  pss() {
    return this.memory('smaps_rollup', /^Pss:\s+(\d+)\s+kB/m);
  }

  /**
   * Private memory (MB, Private_Clean + Private_Dirty of /proc/<pid>/smaps_rollup): what a process
   * holds that no other does, so what stopping it would free. RSS counts the Node binary's pages
   * (55 MB an app, shared by all six) in every app; this counts none of them.
   */
  uss() {
    return this.memory('smaps_rollup', (text) => {
      const clean = /^Private_Clean:\s+(\d+)\s+kB/m.exec(text);
      const dirty = /^Private_Dirty:\s+(\d+)\s+kB/m.exec(text);
      return clean && dirty ? Number(clean[1]) + Number(dirty[1]) : null;
    });
  }

  /** Sums a kB figure of /proc/<pid>/<file> (read by a pattern's first group, or a function) over each watched process's tree, in MB. */
  memory(file, pattern) {
    const read = typeof pattern === 'function' ? pattern : (text) => {
      const match = pattern.exec(text);
      return match ? Number(match[1]) : null;
    };
    const table = processTable();
    const out = {};
    for (const [name, { pid, tree }] of this.entries) {
      const pids = tree ? treeOf(pid, table) : [pid];
      let kb = 0;
      let found = false;
      for (const each of pids) {
        try {
          const value = read(readFileSync(`/proc/${each}/${file}`, 'utf8'));
          if (value !== null) {
            kb += value;
            found = true;
          }
        } catch {
          // gone meanwhile
        }
      }
      out[name] = found ? kb / 1024 : NaN;
    }
    return out;
  }

  /** Samples resident memory every `intervalMs` until stop(), which returns each process's peak (MB). */
  sampleRss(intervalMs = 250) {
    const peak = {};
    const take = () => {
      for (const [name, mb] of Object.entries(this.rss())) if (!(peak[name] >= mb)) peak[name] = mb;
    };
    take();
    const timer = setInterval(take, intervalMs);
    return {
      stop: () => {
        clearInterval(timer);
        take();
        return peak;
      },
    };
  }
}

/** Busy and total CPU ms of the whole machine so far (/proc/stat), and its core count. */
function machineCpu() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
    const perTick = 1000 / clockTicks();
    return { busyMs: (user + nice + system + irq + softirq + steal) * perTick, totalMs: (user + nice + system + idle + iowait + irq + softirq + steal) * perTick };
  } catch {
    return { busyMs: NaN, totalMs: NaN };
  }
}

/** CPU ms each watched process used between two snapshots, and the machine's busy cores meanwhile. */
export function cpuBetween(before, after) {
  const processes = {};
  for (const name of Object.keys(after.processes)) processes[name] = after.processes[name] - before.processes[name];
  const seconds = (after.at - before.at) / 1000;
  const machineBusyMs = after.machine.busyMs - before.machine.busyMs;
  return { seconds, processes, machineBusyMs, machineCores: machineBusyMs / 1000 / seconds };
}
