/**
 * freePort() for the end-to-end tests: the one in ingest's testing room,
 * which its own tests use too, so every test process in a run claims ports
 * in one place (packages/ingest/src/testing/free-port.ts says how).
 */
export { claimDir, claimPort, ephemeralStart, freePort, startTime } from '../../packages/ingest/dist/testing/free-port.js';
