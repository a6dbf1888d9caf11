export * from './database.module.js';
export * from './ids.js';
export * from './cursor.js';
export * from './schemas/conversation.schema.js';
export * from './schemas/room.schema.js';
export * from './schemas/message.schema.js';
export * from './schemas/outbox.schema.js';
export * from './mongo.probe.js';
