import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { Limits } from '@parley/contracts';
import { withReaction } from './reactions.service.js';

describe('withReaction', () => {
  const [alice, bob] = [new Types.ObjectId(), new Types.ObjectId()];
  const ids = (reactions: ReturnType<typeof withReaction>) => reactions?.map(({ emoji, conversation_ids }) => [emoji, conversation_ids.map((id) => id.toHexString())]);

  it('adds a new emoji last and a member to an emoji they have not given yet, first giver first', () => {
    const one = withReaction([], '👍', alice, true);
    expect(ids(one)).toEqual([['👍', [alice.toHexString()]]]);
    const two = withReaction(withReaction(one ?? [], '🎉', bob, true) ?? [], '👍', bob, true);
    expect(ids(two)).toEqual([
      ['👍', [alice.toHexString(), bob.toHexString()]],
      ['🎉', [bob.toHexString()]],
    ]);
  });

  it('changes nothing for a reaction given again or one never given taken back', () => {
    const given = [{ emoji: '👍', conversation_ids: [alice] }];
    expect(withReaction(given, '👍', alice, true)).toBeNull();
    expect(withReaction(given, '👍', bob, false)).toBeNull();
    expect(withReaction(given, '🎉', alice, false)).toBeNull();
  });

  it('takes a member out of an emoji, and the emoji out once nobody gives it', () => {
    const given = [
      { emoji: '👍', conversation_ids: [alice, bob] },
      { emoji: '🎉', conversation_ids: [bob] },
    ];
    expect(ids(withReaction(given, '👍', alice, false))).toEqual([
      ['👍', [bob.toHexString()]],
      ['🎉', [bob.toHexString()]],
    ]);
    expect(ids(withReaction(given, '🎉', bob, false))).toEqual([['👍', [alice.toHexString(), bob.toHexString()]]]);
  });

  it('refuses a new emoji past the limit with a 422 naming emoji, but takes more of one the message has', () => {
    const full = Array.from({ length: Limits.reactionsPerMessageMax }, (_, index) => ({ emoji: `r${index}`, conversation_ids: [alice] }));
    let refused: unknown;
    try {
      withReaction(full, 'one-more', bob, true);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ statusCode: 422, details: [{ field: 'emoji' }] });
    expect(withReaction(full, 'r3', bob, true)?.[3].conversation_ids).toHaveLength(2);
  });
});
