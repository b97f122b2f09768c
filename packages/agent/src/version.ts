/**
 * The agent's version, as its package.json says (a unit test keeps the two
 * equal): a constant, not read from package.json at run time, because the
 * single-file agent (scripts/release.sh) carries no package.json.
 */
export const AGENT_VERSION = '0.1.0';
