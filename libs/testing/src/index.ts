export * from './apps.js';
export * from './clients.js';
export * from './stores.js';
export * from './traces.js';
export * from './processes.js';
export * from './providers.js';
