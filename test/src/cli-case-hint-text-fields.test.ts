/**
 * The CLI's empty-answer case hint (`logger:Django.Request` where events
 * hold `django.request`, search-answers.test.ts) on a server whose
 * `search.text_fields` is not the default list, as the page's
 * (ui-case-hint-text-fields.test.ts). A text field's clause matches words
 * in any case, so a hint is about keyword fields alone, and which fields
 * are text is the server's to say (the fields answer's `text_fields`). The
 * CLI used the default list: `error` (text there, a keyword on this
 * server) got no hint for `error:timeout` where events hold `Timeout`, and
 * `detail` (text on this server) got one blaming the case of a value that
 * matched already, when another clause had found nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ingest, logshipBin, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const run = promisify(execFile);
type Ran = { code?: number; stdout: string; stderr: string };

describe('CLI: case hints follow the server\'s text fields', { timeout: 120_000 }, () => {
  let root: string;
  let server: ServerHandle;
  let env: NodeJS.ProcessEnv;
  const cli = (q: string): Promise<Ran> => run(process.execPath, [logshipBin, 'search', q, '--from', 'now-1h'], { env }).catch((e: Ran) => e);

  before(async () => {
    root = await tempDir('cli-case-hint-');
    server = await startServer({ dataDir: join(root, 'data'), configYaml: 'search: { text_fields: [message, detail] }\n' });
    const now = Date.now();
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({
      '@timestamp': new Date(now - (i + 1) * 10_000).toISOString(), level: 'info', host: 'web-1', error: 'Timeout', detail: 'Full', message: `line ${i}`,
    }));
    await ingest(server.url, lines);
    env = { ...process.env, LOGSHIP_URL: server.url, NO_COLOR: '1' };
  });
  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('a field the server keeps as a keyword gets the hint, though the default list calls it text', async () => {
    const ans = await cli('error:timeout');
    assert.equal(ans.code, 1);
    assert.match(ans.stderr, /\nno event has error "timeout"; "Timeout" differs only in case \(values are case-sensitive\): error:Timeout\n/);
  });

  test('a field the server searches as text gets none, though the default list calls it a keyword', async () => {
    // detail:full matches (text: any case); host:web-2 found nothing.
    const ans = await cli('detail:full AND host:web-2');
    assert.equal(ans.code, 1);
    assert.doesNotMatch(ans.stderr, /differs only in case/);
    assert.match(ans.stderr, /no events match/);
  });

  test('a regex spanning words is said of the server\'s text fields, not the default list\'s', async () => {
    // detail is text on this server (a keyword by the default list): its regex matches one word at a time.
    const text = await cli('detail:/.*disk full.*/');
    assert.equal(text.code, 1);
    assert.match(text.stderr, /\ndetail:\/\.\*disk full\.\*\/ spans words, and a regex on a text field \(detail\) matches one word at a time .*; for those words in a row write a phrase: detail:"disk full"\n/);
    // error is a keyword here (text by the default list): its regex matches the whole value, spaces and all.
    const keyword = await cli('error:/.*time out.*/');
    assert.equal(keyword.code, 1);
    assert.match(keyword.stderr, /no events match/);
    assert.doesNotMatch(keyword.stderr, /one word at a time/);
  });
});
