/**
 * rsyslog as a relay in front of a real `logship serve`, the way a fleet
 * runs it: messages enter rsyslog on a loopback imtcp port and leave through
 * omfwd (RFC 5424 over TCP, octet-counted) to logship's syslog listener,
 * through omfwd over TLS (RFC 5425, rsyslog-gnutls, forward format) to its
 * TLS listener, and through omelasticsearch (Debian's rsyslog-elasticsearch)
 * to /es/_bulk.
 * rsyslogd runs as the test's own foreground process (`-n -f CONF -i PID`)
 * with its own work folder, unprivileged (as nobody when the test is root);
 * never the system service.
 *
 *   test ──raw RFC 3164 lines──► rsyslogd imtcp ─┬─ omfwd ──────────► logship syslog TCP
 *                                                ├─ omfwd gtls ─────► logship syslog TLS
 *                                                └─ omelasticsearch ─► logship /es/_bulk
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, tempDir, waitFor, stopAll, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, metricValue, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const OMES = ['/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so', '/usr/lib/aarch64-linux-gnu/rsyslog/omelasticsearch.so'].find((p) => existsSync(p));
const GTLS = ['/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so'].find((p) => existsSync(p));
const OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));
const available = RSYSLOGD !== undefined && OMES !== undefined && GTLS !== undefined && OPENSSL !== undefined;
if (!available) {
  const msg = 'rsyslogd, rsyslog-elasticsearch, rsyslog-gnutls or openssl is missing (scripts/test-deps.sh installs them): rsyslog tests skipped';
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(`WARNING: ${msg}`);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 3164 time (UTC; rsyslogd runs with TZ=UTC). */
function bsdTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

describe('rsyslog omfwd and omelasticsearch into logship', { skip: !available }, () => {
  let server: ServerHandle;
  let dir: string;
  let inPort: number;
  let rsyslog: ReturnType<typeof spawn> | undefined;
  let rsyslogOut = '';

  before(async () => {
    const syslogPort = await freePort();
    const tlsPort = await freePort();
    inPort = await freePort();
    dir = await tempDir('logship-rsyslog-');
    await mkdir(join(dir, 'work'));
    // A self-signed certificate for the TLS listener; rsyslog trusts it as its CA.
    execFileSync(OPENSSL!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    server = await startProtocolServer(
      `syslog: { listen_tcp: "127.0.0.1:${syslogPort}", listen_tls: "127.0.0.1:${tlsPort}", tls_cert_file: "${join(dir, 'cert.pem')}", tls_key_file: "${join(dir, 'key.pem')}" }`,
    );
    const conf = join(dir, 'rsyslog.conf');
    await writeFile(
      conf,
      `
global(workDirectory="${dir}/work" maxMessageSize="64k" DefaultNetstreamDriverCAFile="${dir}/cert.pem")
module(load="imtcp")
module(load="omelasticsearch")
template(name="esdoc" type="list" option.jsonf="on") {
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="message" name="msg" format="jsonf" droplastlf="on" position.from="2")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="program" name="programname" format="jsonf")
  property(outname="severity" name="syslogseverity-text" format="jsonf")
}
ruleset(name="relay") {
  action(type="omfwd" target="127.0.0.1" port="${syslogPort}" protocol="tcp" TCP_Framing="octet-counted"
         template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" action.resumeInterval="1")
  action(type="omfwd" target="127.0.0.1" port="${tlsPort}" protocol="tcp" TCP_Framing="octet-counted"
         StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="anon"
         template="RSYSLOG_ForwardFormat" action.resumeRetryCount="-1" action.resumeInterval="1")
  action(type="omelasticsearch" server="http://127.0.0.1:${server.port}/es" searchIndex="rsyslog-relay"
         template="esdoc" bulkmode="on" uid="rsyslog" pwd="${WRITE_TOKEN}" esVersion.major="8"
         errorFile="${dir}/es-errors.json" action.resumeRetryCount="-1" action.resumeInterval="1")
}
input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="relay")
`,
    );
    await chmod(dir, 0o777);
    await chmod(join(dir, 'work'), 0o777);
    const asRoot = process.getuid?.() === 0;
    rsyslog = spawn(RSYSLOGD!, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
      env: { ...process.env, TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    rsyslog.stdout!.on('data', (d: Buffer) => (rsyslogOut += d.toString()));
    rsyslog.stderr!.on('data', (d: Buffer) => (rsyslogOut += d.toString()));
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          if (rsyslog!.exitCode !== null) throw new Error(`rsyslogd exited: ${rsyslogOut}`);
          const s = connect(inPort, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        }),
      { what: `rsyslogd on port ${inPort}` },
    );
  });

  after(async () => {
    if (rsyslog && rsyslog.exitCode === null) {
      rsyslog.kill('SIGTERM');
      await new Promise((r) => rsyslog!.once('exit', r));
    }
    await stopAll();
    await removeDir(dir);
  });

  async function send(lines: string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const s = connect(inPort, '127.0.0.1', () => s.end(lines.join('\n') + '\n'));
      s.on('close', () => resolve());
      s.on('error', reject);
    });
  }

  const total = async (protocol: string): Promise<number> => {
    let n = 0;
    for (const outcome of ['stored', 'duplicate', 'expired', 'rejected']) n += await metricValue(server.url, 'logship_ingest_events_total', { protocol, outcome });
    return n;
  };

  test('N messages, 6 sent twice: each found once through omfwd (TCP), once through omfwd (TLS) and once through omelasticsearch', async () => {
    const N = 30;
    // Ten minutes ago, but never in last year: rsyslog gives an RFC 3164
    // time (no year) the current year, so `Dec 31 23:55:00` relayed just
    // after New Year went out a year ahead (read as a future time, stamped
    // on receipt) and the test failed in each year's first ten minutes.
    const now = Date.now();
    const t0 = Math.max(now - 10 * 60_000, Date.UTC(new Date(now).getUTCFullYear(), 0, 1));
    const lines = Array.from({ length: N }, (_, i) => `<${i % 5 === 0 ? 131 : 134}>${bsdTime(t0 + i * 1000)} relay-host billing[77]: rsyslog relay message ${i}`);
    const context = (): string => `rsyslogd output: ${rsyslogOut}`;
    const through = async (syslog: number, es: number, what: string): Promise<void> => {
      await waitFor(async () => {
        if (rsyslog!.exitCode !== null) throw new Error('rsyslogd exited');
        return (await total('syslog')) >= syslog && (await total('elasticsearch')) >= es;
      }, { what, timeoutMs: 60_000 }).catch(async (err: Error) => {
        const esErrors = await readFile(join(dir, 'es-errors.json'), 'utf8').catch(() => '');
        throw new Error(`${err.message}\n${context()}\nomelasticsearch errors: ${esErrors}`);
      });
    };
    await send(lines);
    // The copies go in only once the originals are through: a copy in the same
    // _bulk request as its original is, by design, a second event (two equal
    // lines in one request are two lines logged), so a copy that rsyslog's
    // queue happened to batch with its original would be kept, and the test
    // would depend on the queue's timing. Sent later, it is the resend a
    // relay makes after an outage, and each is found once.
    await through(2 * N, N, 'the first N messages through both rsyslog actions');
    await send([lines[0]!, lines[3]!, lines[8]!, lines[15]!, lines[22]!, lines[29]!]);
    await through(2 * (N + 6), N + 6, 'every message through both rsyslog actions');
    const expected = lines.map((_, i) => `rsyslog relay message ${i}`);

    const viaSyslog = await findAll(server.url, 'source:syslog AND syslog.appname:billing AND syslog.transport:tcp');
    assertEachOnce(viaSyslog, 'message', expected);
    const s0 = viaSyslog.find((h) => h.message === expected[0])!;
    assert.equal(s0.host, 'relay-host');
    assert.equal(s0.level, 'error');
    assert.equal(s0['syslog.facility'], 'local0');
    assert.equal(s0['syslog.procid'], '77');
    assert.equal(s0['@timestamp'], new Date(Math.floor(t0 / 1000) * 1000).toISOString());

    const viaTls = await findAll(server.url, 'source:syslog AND syslog.appname:billing AND syslog.transport:tls');
    assertEachOnce(viaTls, 'message', expected);
    const t0Hit = viaTls.find((h) => h.message === expected[0])!;
    assert.equal(t0Hit.host, 'relay-host');
    assert.equal(t0Hit.level, 'error');
    assert.equal(t0Hit['syslog.procid'], '77');
    assert.equal(t0Hit['@timestamp'], s0['@timestamp']);

    const viaBulk = await findAll(server.url, 'es.index:rsyslog-relay');
    assertEachOnce(viaBulk, 'message', expected);
    const e0 = viaBulk.find((h) => h.message === expected[0])!;
    assert.equal(e0.host, 'relay-host');
    assert.equal(e0.program, 'billing');
    assert.equal(e0.level, 'error'); // the document's severity field, read by the generic JSON format
    assert.equal(Date.parse(String(e0['@timestamp'])), Math.floor(t0 / 1000) * 1000);
  });
});
