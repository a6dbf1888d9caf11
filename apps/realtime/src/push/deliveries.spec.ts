import { describe, expect, it } from '@jest/globals';
import { createEnvelope, EventTopics, type MessageView } from '@parley/contracts';
import { messageUpdatedDeliveries, newMessageDeliveries, readReceiptDeliveries, roomCreatedDeliveries, roomUpdatedDeliveries } from './deliveries.js';

const message: MessageView = {
  id: 'm1',
  room_id: 'r1',
  seq: 7,
  rev: 7,
  conversation_id: 'c-alice',
  content: 'hello',
  source: 'chat',
  attachments: [{ name: 'a.png', size: 10, content_type: 'image/png' }],
  client_message_id: 'client-1',
  created: '2026-01-01T00:00:00.000Z',
  updated: '2026-01-01T00:00:00.000Z',
};

function envelope<T>(type: (typeof EventTopics)[keyof typeof EventTopics], data: T) {
  return createEnvelope({ type, accountId: 'acc', key: 'r1', actor: null, data });
}

describe('new_message', () => {
  it('goes to every receiver in one broadcast, carrying ids and the message as the API shows it, without its storage fields', () => {
    const deliveries = newMessageDeliveries(
      envelope(EventTopics.MessageCreated, { room_id: 'r1', message, receivers: ['c-alice', 'c-bob'] }),
    );
    expect(deliveries).toEqual([
      {
        conversationIds: ['c-alice', 'c-bob'],
        payload: {
          event: 'new_message',
          room_id: 'r1',
          message: {
            id: 'm1',
            content: 'hello',
            conversation_id: 'c-alice',
            created: '2026-01-01T00:00:00.000Z',
            attachments: [{ name: 'a.png', size: 10, content_type: 'image/png' }],
            seq: 7,
            rev: 7,
            source: 'chat',
            client_message_id: 'client-1',
          },
        },
      },
    ]);
  });

  it('carries where a message came from and, in a listing room, its read state and what the policy masked', () => {
    const sms = { ...message, source: 'sms' as const, contact: { phone: '+14155550100' }, conversation_id: null };
    const listing = { ...message, is_read: false, read_at: null, policy: { masked: ['phones' as const] } };
    const [smsPush] = newMessageDeliveries(envelope(EventTopics.MessageCreated, { room_id: 'r1', message: sms, receivers: ['c-bob'] }));
    const [listingPush] = newMessageDeliveries(envelope(EventTopics.MessageCreated, { room_id: 'r1', message: listing, receivers: ['c-bob'] }));
    expect(smsPush.payload).toMatchObject({ message: { source: 'sms', contact: { phone: '+14155550100' }, conversation_id: null } });
    expect(listingPush.payload).toMatchObject({ message: { is_read: false, read_at: null, policy: { masked: ['phones'] } } });
  });
});

describe('message_updated', () => {
  const edited = { ...message, edited_at: '2026-01-01T00:01:00.000Z', deleted: false };

  it('goes to everyone who may see an edited message', () => {
    const [push, ...more] = messageUpdatedDeliveries(envelope(EventTopics.MessageUpdated, { room_id: 'r1', message: edited, receivers: ['c-alice', 'c-bob'] }));
    expect(more).toEqual([]);
    expect(push.conversationIds).toEqual(['c-alice', 'c-bob']);
    expect(push.payload).toMatchObject({ event: 'message_updated', room_id: 'r1', message: { id: 'm1', edited_at: '2026-01-01T00:01:00.000Z', deleted: false } });
    expect(push.payload).not.toHaveProperty('favorite');
  });

  it('tells only the member who favorited a message, with favorite, whoever else may see it', () => {
    const deliveries = messageUpdatedDeliveries(
      envelope(EventTopics.MessageUpdated, { room_id: 'r1', message: edited, receivers: ['c-bob'], member_state: { conversation_id: 'c-bob', favorite: true } }),
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].conversationIds).toEqual(['c-bob']);
    expect(deliveries[0].payload).toMatchObject({ event: 'message_updated', room_id: 'r1', message: { id: 'm1' }, favorite: true });
  });
});

describe('room_updated', () => {
  const data = {
    room_id: 'r1',
    last_message_id: 'm9',
    last_activity: '2026-01-01T00:00:09.000Z',
    unread_count: [
      { conversation_id: 'c-bob', count: 3, mention_count: 1 },
      { conversation_id: 'c-carol', count: 3, mention_count: 1 },
      { conversation_id: 'c-dave', count: 1, mention_count: 0 },
      { conversation_id: 'c-erin', count: 3, mention_count: 0 },
    ],
    members: ['c-alice', 'c-bob', 'c-carol', 'c-dave', 'c-erin'],
  };

  it('gives each member its own unread count, and 0 to a member the event has no count for', () => {
    const countOf = new Map<string, number>();
    for (const { conversationIds, payload } of roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, data))) {
      expect(payload).toMatchObject({ event: 'room_updated', room_id: 'r1', last_message_id: 'm9', last_activity: data.last_activity });
      for (const id of conversationIds) countOf.set(id, (payload as { unread_count: number }).unread_count);
    }
    expect(Object.fromEntries(countOf)).toEqual({ 'c-alice': 0, 'c-bob': 3, 'c-carol': 3, 'c-dave': 1, 'c-erin': 3 });
  });

  it('gives each member its own mention count, 0 where the event has none (an event from before mentions too)', () => {
    const legacy = { ...data, unread_count: [...data.unread_count, { conversation_id: 'c-frank', count: 2 }], members: [...data.members, 'c-frank'] };
    const mentionsOf = new Map<string, number>();
    for (const { conversationIds, payload } of roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, legacy))) {
      for (const id of conversationIds) mentionsOf.set(id, (payload as { mention_count: number }).mention_count);
    }
    expect(Object.fromEntries(mentionsOf)).toEqual({ 'c-alice': 0, 'c-bob': 1, 'c-carol': 1, 'c-dave': 0, 'c-erin': 0, 'c-frank': 0 });
  });

  it('shares one broadcast among members with the same counts, and splits the same unread count by mentions', () => {
    const deliveries = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, data));
    expect(deliveries).toHaveLength(4);
    expect(deliveries.find((delivery) => delivery.conversationIds.includes('c-bob'))?.conversationIds).toEqual(['c-bob', 'c-carol']);
    expect(deliveries.find((delivery) => delivery.conversationIds.includes('c-erin'))?.conversationIds).toEqual(['c-erin']);
  });

  it('tells every member of a deleted room that it is gone, with an unread count of 0', () => {
    const deliveries = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, { ...data, deleted: true }));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].conversationIds).toEqual(data.members);
    expect(deliveries[0].payload).toMatchObject({ event: 'room_updated', room_id: 'r1', deleted: true, unread_count: 0, mention_count: 0 });
  });

  it('carries exactly the room ids, last activity and count', () => {
    const [delivery] = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, { ...data, members: ['c-bob'] }));
    expect(delivery.payload).toEqual({
      event: 'room_updated',
      room_id: 'r1',
      last_message_id: 'm9',
      last_activity: '2026-01-01T00:00:09.000Z',
      unread_count: 3,
      mention_count: 1,
    });
  });
});

describe('room_updated after a membership change', () => {
  const data = {
    room_id: 'r1',
    name: 'launch',
    last_message_id: null,
    last_activity: '2026-01-01T00:00:09.000Z',
    unread_count: [],
    members: ['c-alice'],
    removed: ['c-bob'],
  };

  it('tells a removed member once, marked removed, and the remaining members without the mark, with who is in the room now', () => {
    const deliveries = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, data));
    expect(deliveries).toEqual([
      {
        conversationIds: ['c-alice'],
        payload: { event: 'room_updated', room_id: 'r1', name: 'launch', last_message_id: null, last_activity: data.last_activity, unread_count: 0, mention_count: 0, members: ['c-alice'] },
      },
      {
        conversationIds: ['c-bob'],
        payload: {
          event: 'room_updated',
          room_id: 'r1',
          name: 'launch',
          last_message_id: null,
          last_activity: data.last_activity,
          unread_count: 0,
          mention_count: 0,
          removed: true,
        },
      },
    ]);
  });

  it('tells an added member the room is new, with room_created, before its update', () => {
    const deliveries = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, { ...data, type: 'channel' as const, members: ['c-alice', 'c-carol'], removed: undefined, added: ['c-carol'] }));
    expect(deliveries[0]).toEqual({ conversationIds: ['c-carol'], payload: { event: 'room_created', room_id: 'r1', type: 'channel' } });
  });

  it('tells only the member whose own settings changed, with them', () => {
    const member_state = { conversation_id: 'c-alice', favorite: true, snoozed_until: null };
    const deliveries = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, { ...data, removed: undefined, member_state }));
    expect(deliveries).toEqual([{ conversationIds: ['c-alice'], payload: expect.objectContaining({ event: 'room_updated', favorite: true, snoozed_until: null }) }]);
  });

  it('marks every delivery of a deleted room as deleted', () => {
    const deliveries = roomUpdatedDeliveries(envelope(EventTopics.RoomUpdated, { ...data, deleted: true }));
    expect(deliveries.every((delivery) => (delivery.payload as { deleted?: boolean }).deleted === true)).toBe(true);
  });
});

describe('read_receipt', () => {
  it('tells every member who read the room up to which message', () => {
    const deliveries = readReceiptDeliveries(
      envelope(EventTopics.RoomRead, { room_id: 'r1', conversation_id: 'c-bob', message_id: 'm9', members: ['c-alice', 'c-bob'] }),
    );
    expect(deliveries).toEqual([
      {
        conversationIds: ['c-alice', 'c-bob'],
        payload: { event: 'read_receipt', room_id: 'r1', conversation_id: 'c-bob', message_id: 'm9' },
      },
    ]);
  });
});

describe('room_created', () => {
  it('tells every member the new room and its type', () => {
    const deliveries = roomCreatedDeliveries(envelope(EventTopics.RoomCreated, { room_id: 'r1', type: 'channel', members: ['c-alice'] }));
    expect(deliveries).toEqual([{ conversationIds: ['c-alice'], payload: { event: 'room_created', room_id: 'r1', type: 'channel' } }]);
  });
});
