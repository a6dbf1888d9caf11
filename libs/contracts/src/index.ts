// What every app shares: topics, patterns, the envelope, errors, limits, views and command payloads.
// The gateway's HTTP bodies and OpenAPI schemas (class-validator and @nestjs/swagger classes) are
// `@parley/contracts/http`, so that the apps that serve no OpenAPI do not load @nestjs/swagger.
export * from './topics.js';
export * from './patterns.js';
export * from './envelope.js';
export * from './scopes.js';
export * from './errors.js';
export * from './limits.js';
export * from './ids.js';
export * from './times.js';
export * from './views.js';
// rooms app
export * from './rooms/rooms.patterns.js';
export * from './rooms/rooms.commands.js';
// messaging app
export * from './messaging/messaging.patterns.js';
export * from './messaging/messaging.commands.js';
export * from './messaging/messaging.views.js';
export * from './messaging/messaging.events.js';
// support-routing app
export * from './support/support.patterns.js';
export * from './support/support.commands.js';
export * from './support/support.views.js';
export * from './support/contact-key.js';
// attachments (gateway and object storage)
export * from './attachments/attachments.views.js';
// accounts (messaging applies the content policy)
export * from './accounts/content-policy.views.js';
// outbound-delivery app
export * from './delivery/delivery.views.js';
export * from './delivery/delivery.patterns.js';
// machine-to-machine endpoints
export * from './m2m/m2m.patterns.js';
export * from './m2m/m2m.rules.js';
// operations (every app with an outbox)
export * from './ops/ops.patterns.js';
export * from './ops/dead-letters.js';
