export * from './gen/index.js';
export * from './runtime.js';
