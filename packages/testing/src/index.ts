export * from '@diaspora/embedded-postgres';
export * from './databases.js';
export * from './fake-user-service.js';
export * from './processes.js';
export * from './service.js';
export * from './service-keys.js';
export * from './tokens.js';
export * from './waiting.js';
