// The HTTP API's request bodies, queries and OpenAPI schemas: the gateway's (and the tests'). Apart from
// `@parley/contracts` because these classes carry @nestjs/swagger's decorators, which the other apps,
// serving no OpenAPI, need not load (about 6 MB resident and 10-15% of an app's start CPU).
export * from './dto/page-query.dto.js';
export * from './dto/error-body.dto.js';
export * from './dto/view-schemas.js';
export * from './rooms/create-room.dto.js';
export * from './rooms/read-room.dto.js';
export * from './rooms/room-query.dto.js';
export * from './rooms/conversation.dto.js';
export * from './messaging/attachment.dto.js';
export * from './messaging/create-message.dto.js';
export * from './messaging/message-query.dto.js';
export * from './messaging/update-message.dto.js';
export * from './messaging/create-reminder.dto.js';
export * from './support/support.dto.js';
export * from './attachments/attachment-upload.dto.js';
export * from './accounts/content-policy.dto.js';
export * from './m2m/m2m.dto.js';
export * from './m2m/m2m.schemas.js';
export * from './ops/dead-letters.dto.js';
