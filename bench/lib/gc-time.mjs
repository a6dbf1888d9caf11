// Time each app spent collecting garbage, read from its own /metrics (prom-client's
// nodejs_gc_duration_seconds, by kind): what part of an app's CPU per message is the collector's,
// the figure to watch when changing V8's heap settings (deploy/local/apps.mjs) or what a hot path allocates.

/** Seconds of GC so far per app, by kind (minor, major, incremental, weakcb), from http://127.0.0.1:<port>/metrics; null where unreadable. */
export async function gcSeconds(ports) {
  const entries = await Promise.all(
    Object.entries(ports).map(async ([app, port]) => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
        const text = await response.text();
        const kinds = {};
        for (const match of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*kind="(\w+)"[^}]*\} ([0-9.e+-]+)$/gm)) kinds[match[1]] = Number(match[2]);
        return [app, kinds];
      } catch {
        return [app, null];
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** GC ms per delivered message of each app between two gcSeconds readings: `total` and each kind. */
export function gcPerMessage(before, after, delivered) {
  return Object.fromEntries(
    Object.keys(after).map((app) => {
      if (!before[app] || !after[app]) return [app, { total: NaN }];
      const kinds = Object.fromEntries(Object.keys(after[app]).map((kind) => [kind, ((after[app][kind] - (before[app][kind] ?? 0)) * 1000) / delivered]));
      return [app, { total: Object.values(kinds).reduce((sum, ms) => sum + ms, 0), ...kinds }];
    }),
  );
}
