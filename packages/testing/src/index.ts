export * from './databases.js';
export * from './embedded-postgres.js';
export { freePort } from './global-setup.js';
export * from './service.js';
export * from './tokens.js';
