export * from './ast.js';
export * from './event.js';
export * from './log-reader.js';
export * from './errors.js';
export * from './limits.js';
export * from './parse.js';
export { compileRegex } from './regex.js';
