export {};
export { Agent } from './agent.js';
export { loadConfig, validateConfig, type AgentConfig } from './config.js';
export { AGENT_ERRORS, AgentError, agentError, type AgentErrorCode } from './errors.js';
export { main } from './cli.js';
