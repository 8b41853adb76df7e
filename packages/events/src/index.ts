export * from './admin.js';
export * from './content.js';
export * from './define.js';
export * from './events.js';
export * from './integration.js';
export * from './messaging.js';
export * from './payments.js';
export * from './users.js';
