/**
 * A request whose Authorization header holds no token the server can read,
 * through a real `logship serve` with tokens: `Authorization: Token X`
 * (Django REST framework's and Splunk's habit) was answered
 * LS_AUTH_MISSING_TOKEN as if no header had been sent. The answer now says
 * what was sent (the scheme, never the credential) and which schemes the
 * server takes, on the native API and on the protocols answering in their
 * own shape (Loki's plain text, Elasticsearch's JSON).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const WRITE = 'scheme-write-token-0123456789';
const SECRET = 'a-secret-credential-0123456789';
const ACCEPTED = /this endpoint needs a token as "Authorization: Bearer TOKEN", or Basic with the token as password \(or as user name with an empty password\), or ApiKey/;

describe('an Authorization header without a token the server can read', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-auth-scheme-');
    server = await startServer({
      dataDir: join(root, 'data'),
      configYaml: ['auth:', '  tokens:', `    - { name: agents, token: ${WRITE}, scopes: [write] }`, ''].join('\n'),
    });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  const ingest = async (authorization?: string): Promise<{ status: number; code: string; message: string }> => {
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', ...(authorization !== undefined ? { authorization } : {}) },
      body: '{"message":"hello"}\n',
    });
    const body = (await res.json()) as { error?: { code: string; message: string } };
    return { status: res.status, code: body.error?.code ?? '', message: body.error?.message ?? '' };
  };

  test('each case says what was sent and the schemes taken, never the credential', async () => {
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /^no Authorization header was sent; /],
      [`Token ${SECRET}`, /^the Authorization header uses the "Token" scheme, which this server does not accept \(it takes Bearer, Basic, ApiKey\); /],
      [`Splunk ${SECRET}`, /^the Authorization header uses the "Splunk" scheme, which this server does not accept/],
      [SECRET, /^the Authorization header holds one word and no scheme before it \(a token alone needs "Bearer " before it\); /],
      // A first word longer than any scheme's name may be a credential: not repeated.
      [`${SECRET} ${SECRET}`, /^the Authorization header uses a scheme, which this server does not accept/],
      ['Bearer', /^the Authorization header says Bearer but holds no token after it; /],
      [`Bearer ${SECRET} ${SECRET}`, /^the Bearer credentials in the Authorization header are not one word/],
      [`Basic ${Buffer.from(SECRET).toString('base64')}`, /^the Basic credentials in the Authorization header do not decode to user:password/],
    ];
    for (const [header, said] of cases) {
      const got = await ingest(header);
      assert.equal(got.status, 401, String(header));
      assert.equal(got.code, 'LS_AUTH_MISSING_TOKEN', String(header));
      assert.match(got.message, said, String(header));
      assert.match(got.message, ACCEPTED, String(header));
      assert.ok(!got.message.includes(SECRET), `${String(header)}: the credential is not echoed: ${got.message}`);
    }
    // Unchanged: an unknown token in an accepted scheme, and the right one.
    assert.equal((await ingest(`Bearer ${SECRET}`)).code, 'LS_AUTH_INVALID_TOKEN');
    assert.equal((await ingest(`Bearer ${WRITE}`)).status, 200);
  });

  test('Loki push and Elasticsearch _bulk say it in their own shapes', async () => {
    const loki = await fetch(`${server.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${SECRET}` },
      body: '{"streams":[]}',
    });
    assert.equal(loki.status, 401);
    const lokiText = await loki.text();
    assert.match(lokiText, /^LS_AUTH_MISSING_TOKEN.*the "Token" scheme, which this server does not accept/);
    assert.ok(!lokiText.includes(SECRET));
    const bulk = await fetch(`${server.url}/es/_bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Token ${SECRET}` },
      body: '{"create":{"_index":"logs"}}\n{"message":"hello"}\n',
    });
    assert.equal(bulk.status, 401);
    const bulkText = await bulk.text();
    assert.match(bulkText, /the \\?"Token\\?" scheme, which this server does not accept/);
    assert.ok(!bulkText.includes(SECRET));
  });
});
