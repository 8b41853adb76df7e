export * from './define.js';
export * from './events.js';
export * from './payments.js';
export * from './users.js';
