import { describe, expect, it } from '@jest/globals';
import { chooseAssignee, type RoutingSituation } from './assignee-choice.js';

function situation(overrides: Partial<RoutingSituation> = {}): RoutingSituation {
  return {
    members: ['a', 'b', 'c'].map((conversationId) => ({ conversationId, capacity: null, lastAssignedAt: null })),
    inboxCapacity: null,
    openRooms: new Map(),
    online: new Set(),
    roundRobinLast: null,
    ...overrides,
  };
}

describe('chooseAssignee', () => {
  it('gives the room to the online member with the fewest open rooms and says why the others were passed over', () => {
    const choice = chooseAssignee(situation({ online: new Set(['a', 'b']), openRooms: new Map([['a', 2], ['b', 1]]) }));
    expect(choice.assignee).toBe('b');
    expect(choice.rule).toBe('least_busy_online');
    const reasons = Object.fromEntries(choice.candidates.map((candidate) => [candidate.conversation_id, candidate.passed_because]));
    expect(reasons.b).toBeNull();
    expect(reasons.a).toMatch(/busier/);
    expect(reasons.c).toBe('offline');
  });

  it('breaks a tie in favour of the member assigned least recently', () => {
    const members = [
      { conversationId: 'a', capacity: null, lastAssignedAt: new Date(2_000) },
      { conversationId: 'b', capacity: null, lastAssignedAt: new Date(1_000) },
    ];
    const choice = chooseAssignee(situation({ members, online: new Set(['a', 'b']) }));
    expect(choice.assignee).toBe('b');
    expect(choice.candidates.find((candidate) => candidate.conversation_id === 'a')?.passed_because).toMatch(/assigned more recently/);
  });

  it('goes round robin after the pointer when nobody is online, skipping members at capacity', () => {
    const members = [
      { conversationId: 'a', capacity: null, lastAssignedAt: null },
      { conversationId: 'b', capacity: 1, lastAssignedAt: null },
      { conversationId: 'c', capacity: null, lastAssignedAt: null },
    ];
    const choice = chooseAssignee(situation({ members, roundRobinLast: 'a', openRooms: new Map([['b', 1]]) }));
    expect(choice).toMatchObject({ assignee: 'c', rule: 'round_robin' });
    expect(choice.candidates.find((candidate) => candidate.conversation_id === 'b')?.passed_because).toMatch(/at capacity \(1 of 1/);
    expect(chooseAssignee(situation({ roundRobinLast: 'c' })).assignee).toBe('a');
  });

  it('keeps the room waiting when the online members are all at capacity, instead of giving it to someone away', () => {
    const choice = chooseAssignee(situation({ inboxCapacity: 1, online: new Set(['a']), openRooms: new Map([['a', 1]]) }));
    expect(choice).toMatchObject({ assignee: null, rule: null });
    expect(choice.candidates.map((candidate) => candidate.passed_because)).toEqual([
      'at capacity (1 of 1 open rooms)',
      'offline (the room waits for an online member)',
      'offline (the room waits for an online member)',
    ]);
  });

  it('keeps the room waiting when every member is at capacity or the inbox has none', () => {
    expect(chooseAssignee(situation({ inboxCapacity: 1, openRooms: new Map([['a', 1], ['b', 1], ['c', 1]]) })).assignee).toBeNull();
    expect(chooseAssignee(situation({ members: [] })).assignee).toBeNull();
  });

  it('spreads rooms evenly over three online members when applied one after another', () => {
    const state = situation({ online: new Set(['a', 'b', 'c']) });
    const openRooms = new Map<string, number>();
    const counts = new Map<string, number>();
    for (let room = 0; room < 100; room++) {
      const choice = chooseAssignee({ ...state, openRooms });
      const assignee = choice.assignee as string;
      openRooms.set(assignee, (openRooms.get(assignee) ?? 0) + 1);
      counts.set(assignee, (counts.get(assignee) ?? 0) + 1);
      const member = state.members.find((entry) => entry.conversationId === assignee);
      if (member) member.lastAssignedAt = new Date(room);
    }
    expect([...counts.values()].sort()).toEqual([33, 33, 34]);
  });
});
