export * from './topics.js';
export * from './patterns.js';
export * from './envelope.js';
export * from './scopes.js';
export * from './errors.js';
export * from './limits.js';
export * from './ids.js';
export * from './views.js';
export * from './dto/page-query.dto.js';
export * from './dto/error-body.dto.js';
export * from './dto/view-schemas.js';
// rooms app
export * from './rooms/rooms.patterns.js';
export * from './rooms/rooms.commands.js';
export * from './rooms/create-room.dto.js';
export * from './rooms/read-room.dto.js';
export * from './rooms/room-query.dto.js';
export * from './rooms/conversation.dto.js';
// messaging app
export * from './messaging/messaging.patterns.js';
export * from './messaging/messaging.commands.js';
export * from './messaging/attachment.dto.js';
export * from './messaging/create-message.dto.js';
export * from './messaging/messaging.views.js';
export * from './messaging/messaging.events.js';
export * from './messaging/message-query.dto.js';
export * from './messaging/update-message.dto.js';
export * from './messaging/create-reminder.dto.js';
// support-routing app
export * from './support/support.patterns.js';
export * from './support/support.commands.js';
export * from './support/support.views.js';
export * from './support/support.dto.js';
// attachments (gateway and object storage)
export * from './attachments/attachment-upload.dto.js';
export * from './attachments/attachments.views.js';
// accounts (messaging applies the content policy)
export * from './accounts/content-policy.dto.js';
// outbound-delivery app
export * from './delivery/delivery.views.js';
export * from './delivery/delivery.patterns.js';
// machine-to-machine endpoints
export * from './m2m/m2m.patterns.js';
export * from './m2m/m2m.dto.js';
export * from './m2m/m2m.schemas.js';
// operations (every app with an outbox)
export * from './ops/ops.patterns.js';
export * from './ops/dead-letters.js';
