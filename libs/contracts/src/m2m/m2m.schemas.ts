import type { SchemaObject } from '@nestjs/swagger';
import { ID_SCHEMA } from '../ids.js';
import { Limits } from '../limits.js';
import { M2M_USER_ID_MAX } from './m2m.rules.js';

/**
 * The m2m bodies as the OpenAPI document shows them, one shape per endpoint. The DTOs of m2m.dto.ts
 * check only the envelope (`data`, `dataList`, `dataClause`, `query`, `idList`); the apps check what
 * is inside, field by field, in the seed's vocabulary: a body that breaks these shapes is a 400
 * naming the field, one that fits them but names a thread that is not there, or a sender who is
 * not in it, a 422 (and a thread that exists already a 409).
 */

/** The apps' M2M_BATCH_MAX unless configured otherwise: more documents at once is a 413. */
const BATCH_MAX = 1000;

const text: SchemaObject = { type: 'string', minLength: 1, pattern: '\\S' };
const flag: SchemaObject = { type: 'boolean' };
const time: SchemaObject = { type: 'string', format: 'date-time' };
const content: SchemaObject = { type: 'string', minLength: 1, maxLength: Limits.contentMaxLength, pattern: '\\S', description: 'Sanitized before it is stored' };
const userId: SchemaObject = { ...text, maxLength: M2M_USER_ID_MAX, description: 'A user id (the JWT sub)' };
const listingId: SchemaObject = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' };

/** A query on the given fields: each one a value, or `{ $in: [values] }`; at least one field. */
function query(fields: Record<string, SchemaObject>): SchemaObject {
  const properties = Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      { oneOf: [value, { type: 'object', required: ['$in'], additionalProperties: false, properties: { $in: { type: 'array', items: value } } }] },
    ]),
  );
  return { type: 'object', minProperties: 1, additionalProperties: false, properties, description: 'Field: value, or field: { $in: [values] }' };
}

const newMessage: SchemaObject = {
  type: 'object',
  required: ['conversationThreadId', 'senderId', 'receiverId', 'content'],
  additionalProperties: false,
  properties: { conversationThreadId: { ...ID_SCHEMA }, senderId: userId, receiverId: userId, content },
};

const messageClause: SchemaObject = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { isRead: flag, readAt: { ...time, nullable: true }, isActive: flag },
  description: 'Only isRead, readAt and isActive change',
};

const messageQuery = query({
  id: { ...ID_SCHEMA },
  conversationThreadId: { ...ID_SCHEMA },
  senderId: { type: 'string' },
  receiverId: { type: 'string' },
  content: { type: 'string' },
  isRead: flag,
  readAt: { ...time, nullable: true },
  sentAt: time,
  isActive: flag,
});

/** The two users of a new thread: participantIds, or senderId and receiverId, or buyerId and sellerId. */
const newThread: SchemaObject = {
  oneOf: (
    [
      { participantIds: { type: 'array', items: userId, minItems: 2, maxItems: 2, uniqueItems: true } },
      { senderId: userId, receiverId: userId },
      { buyerId: userId, sellerId: userId },
    ] as Record<string, SchemaObject>[]
  ).map((users) => ({
    type: 'object',
    required: ['listingId', ...Object.keys(users)],
    additionalProperties: false,
    properties: { listingId, ...users },
  })),
  description: 'Two different users about one listing (the same user twice is a 422)',
};

const threadClause: SchemaObject = { type: 'object', required: ['isActive'], additionalProperties: false, properties: { isActive: flag } };

const threadQuery = query({ id: { ...ID_SCHEMA }, listingId: { type: 'string' }, participantIds: { type: 'string' }, isActive: flag });

const idList: SchemaObject = { type: 'array', minItems: 1, maxItems: BATCH_MAX, items: { ...ID_SCHEMA } };

/** An envelope of the seed: `{ <name>: <schema> }` with every one required. */
function body(properties: Record<string, SchemaObject>): SchemaObject {
  return { type: 'object', required: Object.keys(properties), additionalProperties: false, properties };
}

export const M2mMessageSchemas = {
  create: body({ data: newMessage }),
  bulkCreate: body({ dataList: { type: 'array', minItems: 1, maxItems: BATCH_MAX, items: newMessage } }),
  update: body({ dataClause: messageClause }),
  updateByQuery: body({ query: messageQuery, dataClause: messageClause }),
  deleteByQuery: body({ query: messageQuery }),
  updateByIdList: body({ idList, dataClause: messageClause }),
} satisfies Record<string, SchemaObject>;

export const M2mThreadSchemas = {
  create: body({ data: newThread }),
  bulkCreate: body({ dataList: { type: 'array', minItems: 1, maxItems: BATCH_MAX, items: newThread } }),
  update: body({ dataClause: threadClause }),
  updateByQuery: body({ query: threadQuery, dataClause: threadClause }),
  deleteByQuery: body({ query: threadQuery }),
  updateByIdList: body({ idList, dataClause: threadClause }),
} satisfies Record<string, SchemaObject>;
