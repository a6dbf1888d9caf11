import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { toRoomView, type StoredRoom } from './room.view.js';

describe('toRoomView', () => {
  it('shows each member only their own unread count', () => {
    const alice = new Types.ObjectId();
    const bob = new Types.ObjectId();
    const room = {
      _id: new Types.ObjectId(),
      account_id: 'a',
      type: 'direct',
      name: null,
      pair: null,
      listing_id: null,
      members: [
        { conversation_id: alice, user_id: 'alice', last_message_read: null, joined: new Date() },
        { conversation_id: bob, user_id: 'bob', last_message_read: null, joined: new Date() },
      ],
      unread_count: [
        { conversation_id: alice, count: 0, last_read_seq: 3 },
        { conversation_id: bob, count: 3, last_read_seq: 0 },
      ],
      last_message_id: null,
      last_message_seq: 3,
      last_activity: new Date(0),
      deleted: false,
      created: new Date(0),
      updated: new Date(0),
    } as StoredRoom;
    expect(toRoomView(room, alice).unread_count).toBe(0);
    expect(toRoomView(room, bob).unread_count).toBe(3);
    expect(toRoomView(room, new Types.ObjectId()).unread_count).toBe(0);
  });

  it('keeps the viewer and the first others up to a limit (lists of rooms), and counts every member', () => {
    const ids = Array.from({ length: 30 }, () => new Types.ObjectId());
    const room = {
      _id: new Types.ObjectId(),
      account_id: 'a',
      type: 'channel',
      name: 'all-hands',
      members: ids.map((id, index) => ({ conversation_id: id, user_id: `u${index}`, last_message_read: null, joined: new Date() })),
      unread_count: [],
      last_message_id: null,
      last_message_seq: 0,
      last_activity: new Date(0),
      deleted: false,
      created: new Date(0),
      updated: new Date(0),
    } as unknown as StoredRoom;
    const listed = toRoomView(room, ids[25], 20);
    expect(listed.member_count).toBe(30);
    expect(listed.members.map((member) => member.user_id)).toEqual(['u25', ...Array.from({ length: 19 }, (_, index) => `u${index}`)]);
    expect(toRoomView(room, new Types.ObjectId(), 20).members).toHaveLength(20);
    const whole = toRoomView(room, ids[25]);
    expect([whole.members.length, whole.member_count]).toEqual([30, 30]);
  });
});
