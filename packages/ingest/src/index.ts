export * from './log-store.js';
export * from './store-contract/store-error.js';
export * from './retention/retention-config.js';
export * from './retention/retention-policy.js';
export * from './retention/retention-scheduler.js';
export * from './sqlite/open-sqlite-store.js';
