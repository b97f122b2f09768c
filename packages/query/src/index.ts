export * from './ast.js';
export * from './event.js';
export * from './log-reader.js';
