import { freePort } from './free-port.js';

/**
 * Test-only: a loopback port nothing listens on, for an unreachable server or
 * cluster, which no other test process is given meanwhile (free-port.ts): a
 * test may listen on it later as the server "coming back", and a port the
 * kernel handed out and took back could be another process's by then.
 */
export async function closedPort(): Promise<number> {
  return freePort();
}
