/**
 * What the query CLI says when it gets no logship answer: the server could
 * not be reached (refused, no such host, TLS), or what answered is not a
 * logship server. Each is coded with the package's factory (docs/ERRORS.md,
 * "Query CLI"), says what to do, and exits with its own status: no answer
 * is EXIT.UNREACHABLE, an answer that refuses or fails EXIT.SERVER, so a
 * script can tell a server that is down from one that said no.
 */
import { defineError } from '../define-error.js';
import { formatDuration } from './timeout-flag.js';

const CLIENT = {
  // No HTTP answer came back; the status is the one a gateway would give.
  unreachable: defineError('LS_CLIENT_UNREACHABLE', 'cannot reach the logship server at %s: %s', 503),
  tls: defineError('LS_CLIENT_TLS', 'TLS with the logship server at %s failed: %s', 503),
  // An answer came, but not logship's (another program at that address, a proxy's page).
  notLogship: defineError('LS_CLIENT_NOT_LOGSHIP', 'the answer from %s is not a logship answer (HTTP %s); is --server (or LOGSHIP_URL) a logship server\'s address?', 502),
  // The answer began and the connection broke before its end.
  // The server took the connection and did not answer in time (--timeout), or its stream went silent.
  timeout: defineError('LS_CLIENT_TIMEOUT', 'no answer from the logship server at %s %s', 504),
  cut: defineError('LS_CLIENT_ANSWER_CUT', 'the connection to the logship server at %s broke before its answer was whole (%s); run the command again, and see the server\'s log if it happens again', 503),
} as const;

/** The factories, for the test that keeps docs/ERRORS.md and these in step. */
export const CLIENT_ERRORS = CLIENT;

export interface NetworkFailure {
  code: string | undefined;
  message: string;
}

/** The code and message of what a failed fetch or https request threw, under undici's `fetch failed` wrapper. */
export function networkFailure(err: unknown): NetworkFailure {
  let e = err as { cause?: unknown; code?: unknown; message?: unknown; errors?: unknown[] };
  if (e?.cause !== undefined && e.cause !== null && typeof e.cause === 'object') e = e.cause as typeof e;
  // localhost resolves to ::1 and 127.0.0.1: an AggregateError of both refusals.
  if (typeof e.code !== 'string' && Array.isArray(e.errors) && e.errors.length > 0) e = e.errors[0] as typeof e;
  return { code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : String(e) };
}

const TLS_VERIFY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT',
]);

/** Whether a network failure is TLS's (the handshake or the certificate), not the connection's. */
export function isTlsFailure(f: NetworkFailure): boolean {
  const code = f.code ?? '';
  return TLS_VERIFY.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_') || code === 'EPROTO';
}

/** The reason and what to do, for a connection that did not give an answer. */
function unreachableReason(server: string, f: NetworkFailure): string {
  const host = hostOf(server);
  const code = f.code ?? f.message;
  switch (f.code) {
    case 'ECONNREFUSED':
      return `ECONNREFUSED, nothing listens at ${host}; is \`logship serve\` running there? Set --server or LOGSHIP_URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${code}, the host name ${JSON.stringify(new URL(server).hostname)} is not known; check --server or LOGSHIP_URL`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${code}, no route to ${host} or a firewall drops the connection; check --server and the network`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return server.startsWith('http:')
        ? `${code}, the server closed the connection without an answer; if it serves HTTPS (tls in its config), write https:// in --server`
        : `${code}, the server closed the connection without an answer; is it a logship server, and is it still running?`;
    default:
      return `${code}; is \`logship serve\` running there? Set --server or LOGSHIP_URL`;
  }
}

function tlsReason(f: NetworkFailure): string {
  const code = f.code ?? 'TLS';
  if (TLS_VERIFY.has(code)) {
    return `${code}, its certificate is signed by a CA this client does not trust; pass the CA's certificate with --ca-file FILE (or LOGSHIP_CA_FILE)`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `${code}, its certificate is not for this host name (${f.message}); use the name the certificate was issued for in --server`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `${code}, its certificate is outside its validity dates; the server's operator renews it (or check this machine's clock)`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(f.message)) {
    return `${code}, the server does not speak TLS at that port; write http:// in --server`;
  }
  if (/certificate required|handshake failure|bad certificate|unknown ca/i.test(f.message)) {
    return `${code}, the server asks for a client certificate it trusts (mutual TLS); pass --cert-file FILE --key-file FILE (or LOGSHIP_CERT_FILE, LOGSHIP_KEY_FILE)`;
  }
  return `${code} (${f.message}); check --server, --ca-file and the client certificate flags`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/** The coded line for a request that got no answer. */
export function noAnswerMessage(server: string, err: unknown): string {
  const f = networkFailure(err);
  const made = isTlsFailure(f) ? CLIENT.tls(server, tlsReason(f)) : CLIENT.unreachable(server, unreachableReason(server, f));
  return `error [${made.code}]: ${made.message}`;
}

/** The coded line for an answer whose body broke off. */
export function cutAnswerMessage(server: string, err: unknown): string {
  const f = networkFailure(err);
  const made = CLIENT.cut(server, f.code ?? f.message);
  return `error [${made.code}]: ${made.message}`;
}

/** The coded line for an answer that is not logship's (an error page, a 200 that is not JSON). */
export function notLogshipMessage(server: string, status: number, text: string): string {
  const first = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  const made = CLIENT.notLogship(server, `${status}${first ? `: ${first}` : ', empty body'}`);
  return `error [${made.code}]: ${made.message}`;
}

/** What a server that answers nothing may be, and what to do: said after every timeout. */
const TIMEOUT_HINT = 'is it overloaded or stopped, or is a proxy holding the request? Raise --timeout (or LOGSHIP_TIMEOUT; 0 waits for ever) if it is only slow';

/**
 * The coded line for a request the server did not answer within `ms`:
 * nothing came back, or (`began`) the answer started and was not whole.
 */
export function timeoutMessage(server: string, ms: number, began: boolean): string {
  const made = CLIENT.timeout(server, began
    ? `within ${formatDuration(ms)} (--timeout): its answer began and stopped before its end; ${TIMEOUT_HINT}`
    : `within ${formatDuration(ms)} (--timeout): ${TIMEOUT_HINT}`);
  return `error [${made.code}]: ${made.message}`;
}

/** The coded line for a live stream (`--follow`) that went silent, keep-alives included, for `ms`. */
export function silentStreamMessage(server: string, ms: number, heartbeatMs: number): string {
  const made = CLIENT.timeout(server, `for ${formatDuration(ms)}: the stream of new events went silent, keep-alives too (the server sends one every ${formatDuration(heartbeatMs)}); the server or the network to it stopped; run the command again once it answers (a longer --timeout waits longer)`);
  return `error [${made.code}]: ${made.message}`;
}
