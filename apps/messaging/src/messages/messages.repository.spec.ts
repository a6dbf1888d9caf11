import { describe, expect, it } from '@jest/globals';
import mongoose, { Types } from 'mongoose';
import { MessageSchema } from '@parley/database';
import { messageDocument, type NewMessage } from './messages.repository.js';

describe('messageDocument', () => {
  const message: NewMessage = {
    account_id: 'acc',
    room_id: new Types.ObjectId(),
    seq: 3,
    rev: 5,
    conversation_id: new Types.ObjectId(),
    user_id: 'alice',
    content: 'hello',
    source: 'sms',
    attachments: [{ name: 'a.png', size: 10, content_type: 'image/png' }],
    client_message_id: 'c-1',
    receivers: [new Types.ObjectId()],
  };

  it('sets every field of the schema as Mongoose would, so a message written without it reads the same', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const Model = mongoose.model('MessageDocumentCheck', MessageSchema);
    // plain_text is derived from the content, by messageDocument (the one writer of new messages).
    const byMongoose = new Model({ ...message, plain_text: 'hello', created: now, updated: now }).toObject() as unknown as Record<string, unknown>;
    delete byMongoose.__v;
    const built = messageDocument(message, now);
    expect(Object.keys(built).sort()).toEqual(Object.keys(byMongoose).sort());
    expect({ ...built, _id: byMongoose._id }).toEqual(byMongoose);
  });

  it('keeps only the attachment fields the schema knows', () => {
    const extra = { ...message, attachments: [{ name: 'a', size: 1, content_type: 'text/plain', url: 'https://x', injected: true } as never] };
    expect(messageDocument(extra, new Date()).attachments).toEqual([{ name: 'a', size: 1, content_type: 'text/plain', url: 'https://x' }]);
  });
});
