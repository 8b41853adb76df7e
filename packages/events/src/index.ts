export * from './define.js';
export * from './users.js';
