export * from './core.js';
export * from './http.js';
export * from './cli.js';
export * from './testing/index.js';
