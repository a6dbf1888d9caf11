export * from './storage.module.js';
export * from './object-storage.js';
export * from './storage-settings.js';
export * from './storage-key.js';
