/**
 * Syslog listeners with real senders against a real `logship serve`:
 * util-linux `logger` (--rfc5424 / --rfc3164, --tcp with and without
 * octet counting, --udp), and raw sockets for what logger does not send
 * (several messages in one datagram, NUL-ended TCP frames). N messages per variant; a search finds each
 * exactly once with its syslog fields. Messages without a time (RFC 5424
 * NILVALUE) sent again are occurrences of their own, as a firewall's
 * repeated denies are: each is found as often as it was sent. (rsyslog's
 * omfwd and omelasticsearch, whose resends carry their time and are
 * stored once: protocol-rsyslog.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freePort, stopAll, waitFor, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, metricValue, startProtocolServer } from './protocol-support.js';

const run = promisify(execFile);

async function hasLogger(): Promise<boolean> {
  try {
    await run('logger', ['--help']);
    return true;
  } catch {
    return false;
  }
}

const available = await hasLogger();
if (!available) {
  const msg = 'util-linux logger is missing (scripts/test-deps.sh installs it): syslog tests skipped';
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(`WARNING: ${msg}`);
}

describe('syslog listeners with util-linux logger', { skip: !available }, () => {
  let server: ServerHandle;
  let tcpPort: number;
  let udpPort: number;
  before(async () => {
    tcpPort = await freePort();
    udpPort = await freePort();
    server = await startProtocolServer(`syslog: { listen_tcp: "127.0.0.1:${tcpPort}", listen_udp: "127.0.0.1:${udpPort}" }`);
  });
  after(async () => {
    await stopAll();
  });

  /** Runs logger with stdin lines: one message per line, over one connection for TCP. */
  async function logger(args: string[], lines: string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = execFile('logger', args, (err) => (err ? reject(err) : resolve()));
      child.stdin!.end(lines.join('\n') + '\n');
    });
  }

  async function syslogEvents(): Promise<number> {
    let n = 0;
    for (const outcome of ['stored', 'duplicate', 'expired', 'rejected']) n += await metricValue(server.url, 'logship_ingest_events_total', { protocol: 'syslog', outcome });
    return n;
  }

  const variants: { name: string; args: () => string[]; resend: boolean }[] = [
    { name: 'rfc5424-tcp-octet', args: () => ['--rfc5424', '--tcp', '--octet-count', '-n', '127.0.0.1', '-P', String(tcpPort)], resend: false },
    { name: 'rfc5424-notime-tcp', args: () => ['--rfc5424=notime', '--tcp', '-n', '127.0.0.1', '-P', String(tcpPort)], resend: true },
    { name: 'rfc5424-notime-udp', args: () => ['--rfc5424=notime', '--udp', '-n', '127.0.0.1', '-P', String(udpPort)], resend: true },
    { name: 'rfc3164-tcp', args: () => ['--rfc3164', '--tcp', '-n', '127.0.0.1', '-P', String(tcpPort)], resend: false },
    { name: 'rfc3164-udp', args: () => ['--rfc3164', '--udp', '-n', '127.0.0.1', '-P', String(udpPort)], resend: false },
  ];

  for (const v of variants) {
    test(`logger ${v.name}: N messages each found ${v.resend ? 'as often as sent (5 sent again, without a time: new occurrences)' : 'once'} with syslog fields`, async () => {
      const N = 20;
      const lines = Array.from({ length: N }, (_, i) => `${v.name} message ${i}`);
      const tag = `app-${v.name}`;
      const common = ['-t', tag, '-p', 'local3.warning', '--id=4242', ...(v.name.startsWith('rfc5424') ? ['--msgid', 'ORD', '--sd-id', 'shop@32473', '--sd-param', 'tier="gold"'] : [])];
      const before = await syslogEvents();
      await logger([...v.args(), ...common], lines);
      let expectedArrivals = N;
      if (v.resend) {
        await logger([...v.args(), ...common], lines.slice(0, 5));
        expectedArrivals += 5;
      }
      await waitFor(async () => (await syslogEvents()) - before >= expectedArrivals, { what: `${v.name} messages to be stored` });
      const hits = await findAll(server.url, `syslog.appname:${tag}`);
      if (v.resend) {
        // Receive-stamped: the second send of a line is another event, not a retry of the first.
        const counts = new Map<string, number>();
        for (const h of hits) counts.set(String(h.message), (counts.get(String(h.message)) ?? 0) + 1);
        lines.forEach((l, i) => assert.equal(counts.get(l), i < 5 ? 2 : 1, `${l} found ${counts.get(l) ?? 0} times`));
        assert.equal(hits.length, N + 5);
      } else assertEachOnce(hits, 'message', lines);
      const h = hits.find((e) => e.message === lines[0])!;
      assert.equal(h.level, 'warning');
      assert.equal(h.logger, tag);
      assert.equal(h['syslog.facility'], 'local3');
      assert.equal(h['syslog.procid'], '4242');
      assert.equal(h.source, 'syslog');
      assert.equal(typeof h.host, 'string');
      if (v.name.startsWith('rfc5424')) {
        assert.equal(h['syslog.msgid'], 'ORD');
        assert.equal(h['syslog.sd.shop@32473.tier'], 'gold');
      }
      if (!v.name.includes('notime')) {
        const age = Date.now() - Date.parse(String(h['@timestamp']));
        assert.ok(age >= -2000 && age < 120_000, `@timestamp ${String(h['@timestamp'])} is the send time`);
        assert.equal(h['logship.no_timestamp'], undefined);
      }
    });
  }

  test("a firewall's identical denies without a time are each an event: 3 in one connection, 3 more later, 6 found", async () => {
    const deny = 'DENY TCP 203.0.113.9:51515 -> 10.1.1.1:22 rule=ssh-block';
    const args = ['--rfc5424=notime', '--tcp', '-n', '127.0.0.1', '-P', String(tcpPort), '-t', 'fw-edge', '-p', 'local4.warning'];
    const before = await syslogEvents();
    await logger(args, [deny, deny, deny]);
    await waitFor(async () => (await syslogEvents()) - before >= 3, { what: 'the first denies' });
    await logger(['--rfc5424=notime', '--udp', '-n', '127.0.0.1', '-P', String(udpPort), '-t', 'fw-edge', '-p', 'local4.warning'], [deny, deny, deny]);
    await waitFor(async () => (await syslogEvents()) - before >= 6, { what: 'the later denies' });
    const hits = await findAll(server.url, 'syslog.appname:fw-edge');
    assert.equal(hits.length, 6, `found ${hits.length} denies`);
    assert.ok(hits.every((h) => h.message === deny && h['logship.no_timestamp'] === true));
    assert.equal(new Set(hits.map((h) => h['event.id'])).size, 6);
    assert.equal(await metricValue(server.url, 'logship_ingest_events_total', { protocol: 'syslog', outcome: 'duplicate' }), 0);
  });

  test('a JSON message body is normalized like any JSON line, its own level and logger winning over the header', async () => {
    const line = JSON.stringify({ levelname: 'ERROR', name: 'django.request', message: 'json over syslog', user_id: 'u-77' });
    const before = await syslogEvents();
    // user.info on every line, as rsyslog forwards a service's stdout from journald (PRIORITY 6).
    await logger(['--rfc5424', '--tcp', '-n', '127.0.0.1', '-P', String(tcpPort), '-t', 'djapp', '-p', 'user.info'], [line, 'ERROR plain text over syslog u-78']);
    await waitFor(async () => (await syslogEvents()) - before >= 2, { what: 'the JSON message' });
    const [h] = await findAll(server.url, 'user_id:u-77');
    assert.equal(h!.message, 'json over syslog');
    assert.equal(h!.user_id, 'u-77');
    // What the program said, as the agent's journald source makes of the same line:
    // `level:error` and `logger:"django.request"` find it; the header stays beside.
    assert.equal(h!.level, 'error');
    assert.equal(h!.logger, 'django.request');
    assert.equal(h!['syslog.appname'], 'djapp');
    assert.equal(h!['syslog.severity'], 6);
    // Plain text has no level of its own to trust over the header's (a leading word is a guess).
    const [p] = await findAll(server.url, '"plain text over syslog u-78"');
    assert.equal(p!.level, 'info');
    assert.equal(p!.logger, 'djapp');
  });

  test('lines without a <PRI> on the TCP port are kept whole at user.notice (RFC 3164 §4.3.3, as rsyslog does) and the listener keeps serving', async () => {
    const { connect } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const s = connect(tcpPort, '127.0.0.1', () => s.end('not syslog at all\n\x00\xff\xfe garbage\n'));
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const hits = await waitFor(async () => {
      const found = await findAll(server.url, '"not syslog at all" OR garbage');
      return found.length >= 2 ? found : undefined;
    }, { what: 'the lines stored' });
    assert.deepEqual(hits.map((h) => [h['syslog.facility'], h.level]), [['user', 'notice'], ['user', 'notice']]);
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
  });

  test('several messages in one UDP datagram, one a line, are each an event; a NUL ends a TCP message as LF does', async () => {
    const { createSocket } = await import('node:dgram');
    const { connect } = await import('node:net');
    const stamp = (i: number): string => new Date(Date.now() - 60_000 + i * 1000).toISOString();
    const udpLines = [0, 1, 2].map((i) => `<29>1 ${stamp(i)} batcher app - - - batched udp ${i}`);
    // A line without a <PRI> is the message before it going on (a traceback), not a message.
    udpLines.push(`<27>1 ${stamp(3)} batcher app - - - batched udp 3 failed\n  at handler (app.js:10)`);
    const sock = createSocket('udp4');
    await new Promise<void>((resolve, reject) => sock.send(udpLines.join('\n') + '\n', udpPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    sock.close();
    await new Promise<void>((resolve, reject) => {
      const c = connect(tcpPort, '127.0.0.1', () => c.end([0, 1, 2].map((i) => `<30>1 ${stamp(i)} nulhost app - - - nul framed ${i}\x00`).join('')));
      c.on('close', () => resolve());
      c.on('error', reject);
    });
    const udp = await waitFor(async () => {
      const found = await findAll(server.url, '"batched udp"');
      return found.length >= 4 ? found : undefined;
    }, { what: 'the batched UDP messages' });
    assertEachOnce(udp, 'message', ['batched udp 0', 'batched udp 1', 'batched udp 2', 'batched udp 3 failed\n  at handler (app.js:10)']);
    assert.equal(udp.find((h) => h.message === 'batched udp 1')!['syslog.transport'], 'udp');
    const nul = await waitFor(async () => {
      const found = await findAll(server.url, '"nul framed"');
      return found.length >= 3 ? found : undefined;
    }, { what: 'the NUL-framed TCP messages' });
    assertEachOnce(nul, 'message', ['nul framed 0', 'nul framed 1', 'nul framed 2']);
    assert.ok(nul.every((h) => h.host === 'nulhost' && h.level === 'info'));
  });
});

describe("syslog RFC 3164 times in the server's ingest.default_timezone", { skip: !available }, () => {
  let server: ServerHandle;
  let udpPort: number;
  before(async () => {
    udpPort = await freePort();
    server = await startProtocolServer(`syslog: { listen_udp: "127.0.0.1:${udpPort}" }\ningest: { default_timezone: America/Chicago }`);
  });
  after(async () => {
    await stopAll();
  });

  test('logger --rfc3164 on a host in America/Chicago: its offset-less local time is read in that zone', async () => {
    // RFC 3164 times have no offset: logger (as rsyslog's default forwarding format) writes the host's local time.
    await run('logger', ['--rfc3164', '--udp', '-n', '127.0.0.1', '-P', String(udpPort), '-t', 'tz-app', 'chicago local time'], { env: { ...process.env, TZ: 'America/Chicago' } });
    await waitFor(async () => (await findAll(server.url, 'syslog.appname:tz-app')).length === 1, { what: 'the message' });
    const [h] = await findAll(server.url, 'syslog.appname:tz-app');
    const age = Date.now() - Date.parse(String(h!['@timestamp']));
    assert.ok(age >= -2000 && age < 120_000, `@timestamp ${String(h!['@timestamp'])} is the send time, not the Chicago wall time read as UTC`);
  });
});
