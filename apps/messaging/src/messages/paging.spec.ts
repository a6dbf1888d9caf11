import { describe, expect, it } from '@jest/globals';
import { toPage } from './paging.js';

const cursor = (n: number) => `c${n}`;
const same = (n: number) => n;

describe('toPage', () => {
  it('keeps the newest `limit` items going back and offers next only when more exist', () => {
    expect(toPage([9, 8, 7], 2, false, cursor, same, null)).toEqual({ data: [9, 8], next: 'c8', previous: 'c9' });
    expect(toPage([9, 8], 2, false, cursor, same, null)).toEqual({ data: [9, 8], next: null, previous: 'c9' });
  });

  it('keeps the items right after the cursor going forward, with a way back to older ones', () => {
    // fetched forward, shown newest first: 5, 4, 3 with limit 2 leaves the two right after the cursor
    expect(toPage([5, 4, 3], 2, true, cursor, same, 'start')).toEqual({ data: [4, 3], next: 'c3', previous: 'c4' });
  });

  it('keeps the starting point as previous on an empty page so a client can poll again', () => {
    expect(toPage([], 2, true, cursor, same, 'start')).toEqual({ data: [], next: null, previous: 'start' });
  });
});
