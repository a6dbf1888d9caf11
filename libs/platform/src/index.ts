export * from './config.js';
export * from './logger.js';
export * from './errors.js';
export * from './bootstrap.js';
export * from './platform.module.js';
export * from './health/health.module.js';
export * from './correlation-id.decorator.js';
export * from './redis/redis.module.js';
