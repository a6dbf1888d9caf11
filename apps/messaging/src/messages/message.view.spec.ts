import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { isVisibleTo, toMessageView, type StoredMessage } from './message.view.js';

const alice = new Types.ObjectId();
const bob = new Types.ObjectId();

function stored(overrides: Partial<StoredMessage> = {}): StoredMessage {
  return {
    _id: new Types.ObjectId(),
    account_id: 'acct',
    room_id: new Types.ObjectId(),
    seq: 3,
    conversation_id: alice,
    user_id: 'u-alice',
    content: 'the plan',
    source: 'chat',
    attachments: [{ name: 'plan.pdf', size: 10, content_type: 'application/pdf', url: 'https://files.test/plan.pdf' }],
    client_message_id: null,
    receivers: [alice, bob],
    deleted: false,
    deleted_by: [],
    created: new Date('2030-01-01T00:00:00Z'),
    updated: new Date('2030-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('toMessageView', () => {
  it('shows a live message whole, with when it was last edited', () => {
    const view = toMessageView(stored({ edited_at: new Date('2030-01-02T00:00:00Z') }));
    expect(view).toMatchObject({ content: 'the plan', deleted: false, edited_at: '2030-01-02T00:00:00.000Z', seq: 3 });
    expect(view.attachments).toHaveLength(1);
  });

  it('shows a message deleted for everyone in its place with no content and no attachments', () => {
    const message = stored({ deleted: true });
    const view = toMessageView(message);
    expect(view).toMatchObject({ id: message._id.toHexString(), seq: 3, deleted: true, content: '', attachments: [], edited_at: null });
  });
});

describe('isVisibleTo', () => {
  it('is true for a receiver, false once they deleted it for themselves or if they never received it', () => {
    expect(isVisibleTo(stored(), bob)).toBe(true);
    expect(isVisibleTo(stored({ deleted_by: [bob] }), bob)).toBe(false);
    expect(isVisibleTo(stored({ receivers: [alice] }), bob)).toBe(false);
  });
});
