export * from './auth.config.js';
export * from './access-token.js';
export * from './jwt.strategy.js';
export * from './guards.js';
export * from './auth.module.js';
