import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogshipError } from '../../errors.js';
import { createRng } from '@logship/query';
import { parseSyslog } from './parse-syslog.js';
import { splitDatagram } from './syslog-datagram.js';
import { SyslogTcpFramer } from './syslog-tcp-framer.js';

const NOW = Date.parse('2026-02-08T15:00:00Z');

test('RFC 5424 with structured data (the RFC 5424 §6.5 example 3)', () => {
  const m = parseSyslog(
    '<165>1 2026-02-08T14:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event log entry',
    NOW,
  );
  assert.equal(m.format, 'rfc5424');
  assert.equal(m.facility, 20);
  assert.equal(m.severity, 5);
  assert.equal(m.time, Date.parse('2026-02-08T14:14:15.003Z'));
  assert.equal(m.hostname, 'mymachine.example.com');
  assert.equal(m.appName, 'evntslog');
  assert.equal(m.procId, undefined);
  assert.equal(m.msgId, 'ID47');
  assert.deepEqual(m.structuredData, {
    'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    'examplePriority@32473': { class: 'high' },
  });
  assert.equal(m.message, 'An application event log entry');
});

test('RFC 5424 with escaped SD values, nil SD and offsets', () => {
  const m = parseSyslog('<13>1 2026-02-08T16:00:00.5+02:00 host app 1234 - [x a="q\\"uote\\]d"] msg', NOW);
  assert.equal(m.time, Date.parse('2026-02-08T14:00:00.500Z'));
  assert.equal(m.procId, '1234');
  assert.equal(m.structuredData.x!.a, 'q"uote]d');
  const nil = parseSyslog('<14>1 - - - - - - just text', NOW);
  assert.equal(nil.time, undefined);
  assert.equal(nil.hostname, undefined);
  assert.equal(nil.message, 'just text');
});

test('RFC 3164 as logger and rsyslog send it; the year is the one nearest now', () => {
  const m = parseSyslog('<86>Feb  8 14:59:58 web-1 sshd[4242]: Accepted publickey for deploy', NOW);
  assert.equal(m.format, 'rfc3164');
  assert.equal(m.facility, 10);
  assert.equal(m.severity, 6);
  assert.equal(m.time, Date.parse('2026-02-08T14:59:58Z'));
  assert.equal(m.hostname, 'web-1');
  assert.equal(m.appName, 'sshd');
  assert.equal(m.procId, '4242');
  assert.equal(m.message, 'Accepted publickey for deploy');
  assert.equal(parseSyslog('<13>Dec 31 23:59:59 h t: x', NOW).time, Date.parse('2025-12-31T23:59:59Z'));
  const bare = parseSyslog('<13>no header at all', NOW);
  assert.equal(bare.message, 'no header at all');
});

test('a message without a valid <PRI> (echo … | nc -u) is kept whole at user.notice, as RFC 3164 §4.3.3 has a relay do; an empty one is refused', () => {
  for (const text of ['no pri at all', '<999>1 bad pri', 'Feb  8 14:59:58 web-1 sshd[4242]: no pri, a header']) {
    const m = parseSyslog(text, NOW);
    assert.equal(m.facility, 1, text);
    assert.equal(m.severity, 5, text);
    assert.equal(m.format, 'rfc3164');
    if (text.startsWith('Feb')) {
      assert.equal(m.hostname, 'web-1');
      assert.equal(m.appName, 'sshd');
      assert.equal(m.message, 'no pri, a header');
    } else assert.equal(m.message, text);
  }
  assert.throws(() => parseSyslog('', NOW), LogshipError);
  assert.throws(() => parseSyslog(' \n', NOW), /LS_INGEST_SYSLOG_BAD_MESSAGE|it is empty/);
});

test('RFC 3164 timestamps as network gear writes them: a year, milliseconds, a colon after the time', () => {
  // Cisco IOS (service timestamps log datetime msec year), Juniper, appliances.
  const cisco = parseSyslog('<189>Feb  8 14:59:58.123: %SYS-5-CONFIG_I: Configured from console by admin', NOW);
  assert.equal(cisco.time, Date.parse('2026-02-08T14:59:58.123Z'));
  assert.equal(cisco.appName, '%SYS-5-CONFIG_I');
  assert.equal(cisco.message, 'Configured from console by admin');
  const year = parseSyslog('<13>Dec 31 2024 23:59:59 fw-1 kernel: dropped', NOW);
  assert.equal(year.time, Date.parse('2024-12-31T23:59:59Z'));
  assert.equal(year.hostname, 'fw-1');
  assert.equal(year.appName, 'kernel');
  assert.equal(year.message, 'dropped');
  const ms = parseSyslog('<13>Feb  8 14:59:58.5 web-1 app[7]: half', NOW, 'America/Chicago');
  assert.equal(ms.time, Date.parse('2026-02-08T20:59:58.500Z'));
  assert.equal(ms.hostname, 'web-1');
});

test("RFC 3164's offset-less time is wall-clock time in the server's default zone, DST-correct", () => {
  // rsyslog's default forwarding format and logger(1) write the sender's local time.
  const winter = parseSyslog('<86>Feb  8 08:59:58 web-1 sshd[1]: x', NOW, 'America/Chicago');
  assert.equal(winter.time, Date.parse('2026-02-08T14:59:58Z'), 'CST, UTC-6');
  const summer = parseSyslog('<86>Jul  4 12:00:00 web-1 sshd[1]: x', Date.parse('2026-07-04T17:05:00Z'), 'America/Chicago');
  assert.equal(summer.time, Date.parse('2026-07-04T17:00:00Z'), 'CDT, UTC-5');
  // RFC 5424 and RFC 3339 times carry their offset: the zone does not apply.
  assert.equal(parseSyslog('<13>1 2026-02-08T14:00:00Z h a - - - x', NOW, 'America/Chicago').time, Date.parse('2026-02-08T14:00:00Z'));
  assert.equal(parseSyslog('<13>2026-02-08T14:00:00+00:00 h t: x', NOW, 'America/Chicago').time, Date.parse('2026-02-08T14:00:00Z'));
});

test('the TCP framer handles octet counting and LF framing mixed, split across chunks', () => {
  const frames: string[] = [];
  const over: number[] = [];
  const f = new SyslogTcpFramer(100, (b) => frames.push(b.toString()), (n) => over.push(n));
  const stream = Buffer.from('11 <13>hello\nx<13>line one\r\n<13>line two\n' + `150 ${'y'.repeat(150)}` + '5 <13>a\n<13>tail');
  for (let i = 0; i < stream.length; i += 3) f.push(stream.subarray(i, i + 3));
  f.end();
  assert.deepEqual(frames, ['<13>hello\nx', '<13>line one', '<13>line two', '<13>a', '<13>tail']);
  assert.deepEqual(over, [150]);
});

test('the TCP framer ends a non-transparent frame at NUL as at LF (senders that end messages with NUL)', () => {
  const frames: string[] = [];
  const f = new SyslogTcpFramer(100, (b) => frames.push(b.toString()), () => {});
  const stream = Buffer.from('<13>nul one\x00<13>nul two\x00\n<13>lf three\n9 <13>a\x00b\x00c<13>tail\x00');
  for (let i = 0; i < stream.length; i += 2) f.push(stream.subarray(i, i + 2));
  f.end();
  // An octet-counted frame keeps its NULs: its length says where it ends.
  assert.deepEqual(frames, ['<13>nul one', '<13>nul two', '<13>lf three', '<13>a\x00b\x00c', '<13>tail']);
  const over: number[] = [];
  const g = new SyslogTcpFramer(8, () => {}, (n) => over.push(n));
  g.push(Buffer.from('<13>far too long'));
  g.push(Buffer.from(' still\x00<13>ok\x00'));
  assert.deepEqual(over, [16]);
});

test('a UDP datagram is cut before each line that starts with a <PRI>; other lines stay with their message', () => {
  const cut = (s: string): string[] => splitDatagram(Buffer.from(s)).map((b) => b.toString());
  assert.deepEqual(cut('<13>one\n<13>two\r\n<14>three\n'), ['<13>one', '<13>two', '<14>three']);
  assert.deepEqual(cut('<11>Traceback (most recent call last):\n  File "x.py", line 1\nValueError: <13> in text\n<13>next'), [
    '<11>Traceback (most recent call last):\n  File "x.py", line 1\nValueError: <13> in text',
    '<13>next',
  ]);
  assert.deepEqual(cut('<13>a\x00<13>b\x00'), ['<13>a', '<13>b']);
  assert.deepEqual(cut('no pri\n<1234>not a pri\n<>x'), ['no pri\n<1234>not a pri\n<>x']);
  assert.deepEqual(cut('\n\n'), []);
});

test('fuzz: random input never throws anything but a coded error, and the framer never throws', () => {
  const rnd = createRng(7).next;
  const samples = ['<165>1 2026-02-08T14:14:15.003Z h a - ID [s a="b"] m', '<86>Feb  8 14:59:58 web-1 sshd[4242]: x', '12 <13>x\n'];
  for (let i = 0; i < 3000; i++) {
    const base = Buffer.from(samples[i % samples.length]!);
    const b = Buffer.from(base);
    for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    const cut = b.subarray(0, Math.floor(rnd() * (b.length + 1)));
    try {
      parseSyslog(cut.toString('utf8'), NOW);
    } catch (err) {
      assert.ok(err instanceof LogshipError, `${cut.toString('hex')}: ${String(err)}`);
    }
    const f = new SyslogTcpFramer(64, () => {}, () => {});
    f.push(cut);
    f.push(b);
    f.end();
  }
});

test('a day its month does not have is no time: RFC 3164 `Feb 30`, `Feb 29` of a year without one, RFC 5424 2026-02-30', () => {
  assert.equal(parseSyslog('<13>Feb 30 10:00:00 web-1 app: x', NOW).time, undefined);
  assert.equal(parseSyslog('<13>Feb 29 2026 10:00:00 web-1 app: x', NOW).time, undefined);
  // Without a year: last, this or next year, whichever has the day (none from 2026; 2028 from 2027).
  assert.equal(parseSyslog('<13>Feb 29 10:00:00 web-1 app: x', NOW).time, undefined);
  assert.equal(parseSyslog('<13>Feb 29 10:00:00 web-1 app: x', Date.parse('2027-12-20T00:00:00Z')).time, Date.parse('2028-02-29T10:00:00Z'));
  const m = parseSyslog('<13>1 2026-02-30T10:00:00Z web-1 app - - - x', NOW);
  assert.equal(m.time, undefined);
  assert.equal(parseSyslog('<13>2026-02-30T10:00:00Z web-1 app: x', NOW).time, undefined);
});
