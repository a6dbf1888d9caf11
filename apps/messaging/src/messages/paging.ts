import type { Page } from '@parley/contracts';

/**
 * Cuts a page out of up to `limit + 1` items fetched newest first (the extra one tells whether
 * more exist), with the cursors of its two ends: `next` goes on to older items, `previous` to
 * newer ones. A page fetched forward (`after`) holds the items right after its cursor, so older
 * ones always lie behind it; an empty page keeps `emptyPrevious` so a client can poll again.
 */
export function toPage<T, V>(
  found: T[],
  limit: number,
  forward: boolean,
  cursorOf: (item: T) => string,
  view: (item: T) => V,
  emptyPrevious: string | null,
): Page<V> {
  const more = found.length > limit;
  const items = forward ? found.slice(Math.max(0, found.length - limit)) : found.slice(0, limit);
  const newest = items[0];
  const oldest = items[items.length - 1];
  return {
    data: items.map(view),
    next: oldest !== undefined && (forward || more) ? cursorOf(oldest) : null,
    previous: newest !== undefined ? cursorOf(newest) : emptyPrevious,
  };
}
