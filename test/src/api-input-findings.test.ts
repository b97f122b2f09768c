/**
 * What schemathesis and hand-written probes found against a real `logship
 * serve` (docs/ERRORS.md, "Measured: the API against its OpenAPI
 * document"), kept as plain checks against a real server on both partition
 * formats, with a token: each was a 200 the served document said was a
 * 400, a refusal that named no parameter (or a tail position no position),
 * or a route the document showed taking no body.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, type ServerHandle } from './harness.js';

const TOKEN = 'api-input-findings-token-0123';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Refusal {
  status: number;
  error: { code?: string; message?: string; param?: string; [k: string]: unknown };
}

async function get(url: string): Promise<Refusal & { body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: AUTH });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body, error: (body.error ?? {}) as Refusal['error'] };
}

async function postJson(url: string, payload: unknown): Promise<Refusal> {
  const res = await fetch(url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const body = (await res.json()) as { error?: Refusal['error'] };
  return { status: res.status, error: body.error ?? {} };
}

for (const format of ['rows', 'blocks'] as const) {
  describe(`the HTTP API's input checks on a real server (${format})`, () => {
    let server: ServerHandle;
    after(async () => {
      await stopAll();
      if (server) await removeDir(server.dataDir);
    });

    test('start, with events to aggregate', async () => {
      server = await startServer({
        configYaml: [
          `store: { type: sqlite, format: ${format} }`,
          'auth:',
          `  tokens: [{ name: t, token: ${TOKEN}, scopes: [read, write] }]`,
          '',
        ].join('\n'),
      });
      const now = Date.now();
      const lines = Array.from({ length: 20 }, (_, i) =>
        JSON.stringify({ '@timestamp': new Date(now - i * 60_000).toISOString(), level: i % 3 ? 'info' : 'error', message: `request ${i}`, host: `web-${i % 2}`, duration_ms: i * 10, 'event.id': `f-${i}` }));
      assert.equal((await ingest(server.url, lines, TOKEN)).stored, 20);
    });

    test('size over the documented maximum is refused whatever the aggregation type (schemathesis: date_histogram&size=1091 answered 200)', async () => {
      const doc = await get(`${server.url}/api/v1/openapi.json`);
      const params = (doc.body as { paths: Record<string, { get: { parameters: { name: string; schema: { maximum?: number } }[] } }> })
        .paths['/api/v1/aggregate']!.get.parameters;
      const maximum = params.find((p) => p.name === 'size')!.schema.maximum!;
      assert.equal(maximum, 1000);
      for (const query of ['type=date_histogram', 'type=stats&field=duration_ms', 'type=percentiles&field=duration_ms', 'type=terms&field=host', 'type=date_histogram&by=host']) {
        const res = await get(`${server.url}/api/v1/aggregate?${query}&from=now-1h&size=${maximum + 1}`);
        assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
        assert.deepEqual([res.error.code, res.error.param, res.error.maximum], ['LS_API_BAD_REQUEST', 'size', maximum], query);
      }
      const body = await postJson(`${server.url}/api/v1/aggregate`, { type: 'date_histogram', size: maximum + 1 });
      assert.deepEqual([body.status, body.error.param], [400, 'size']);
      // At the maximum, every type answers.
      for (const query of ['type=date_histogram', 'type=stats&field=duration_ms']) {
        const res = await get(`${server.url}/api/v1/aggregate?${query}&from=now-1h&size=${maximum}`);
        assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
      }
    });

    test('an interval longer than any time range is the API\'s refusal naming interval, not the store\'s (probe: 99999999999999999999d)', async () => {
      for (const interval of ['99999999999999999999d', '100000001d', '9007199254740993ms']) {
        const res = await get(`${server.url}/api/v1/aggregate?type=date_histogram&from=now-1h&interval=${interval}`);
        assert.equal(res.status, 400, `${interval}: ${JSON.stringify(res.body)}`);
        // Before: LS_STORE_BAD_REQUEST "interval_ms must be a positive integer, got 8.64e+27", no param.
        assert.equal(res.error.code, 'LS_API_BAD_REQUEST', interval);
        assert.equal(res.error.param, 'interval', interval);
        assert.equal(res.error.message, `interval ${interval} is longer than any time range; at most 100000000d`);
      }
      // The longest there is still answers: one bucket.
      const longest = await get(`${server.url}/api/v1/aggregate?type=date_histogram&from=now-1h&interval=100000000d`);
      assert.equal(longest.status, 200, JSON.stringify(longest.body));
      assert.equal((longest.body.buckets as { count: number }[]).reduce((n, b) => n + b.count, 0), 20);
    });

    test('a backwards range names from as the parameter to change, and both in its message', async () => {
      for (const [url, toDefault] of [
        [`${server.url}/api/v1/search?from=now&to=now-1h`, false],
        [`${server.url}/api/v1/search?from=now%2B1h`, true],
        [`${server.url}/api/v1/aggregate?type=terms&field=host&from=now&to=now-1h`, false],
        [`${server.url}/api/v1/fields?from=now%2B1h`, true],
      ] as const) {
        const res = await get(url);
        assert.equal(res.status, 400, url);
        assert.equal(res.error.code, 'LS_API_BAD_RANGE', url);
        assert.equal(res.error.param, 'from', url);
        assert.match(res.error.message!, /"from" .*"to"/, url);
        assert.equal(res.error.to_default, toDefault ? true : undefined, url);
      }
      const body = await postJson(`${server.url}/api/v1/search`, { from: 'now', to: 'now-1h' });
      assert.deepEqual([body.status, body.error.code, body.error.param], [400, 'LS_API_BAD_RANGE', 'from']);
    });

    test('a tail position that is no position is refused naming where it came from (probe: after=99999999999999999999999|x streamed)', async () => {
      for (const [how, position] of [['after', 'x|y'], ['after', '99999999999999999999999|x'], ['after', '-8640000000000001|x'], ['Last-Event-ID', '1e400|x']] as const) {
        const url = `${server.url}/api/v1/tail${how === 'after' ? `?after=${encodeURIComponent(position)}` : ''}`;
        const res = await fetch(url, { headers: { ...AUTH, ...(how === 'Last-Event-ID' ? { 'last-event-id': position } : {}) } });
        assert.equal(res.status, 400, `${how} ${position}`);
        const { error } = (await res.json()) as Refusal;
        assert.deepEqual([error.code, error.param, error.value], ['LS_API_BAD_REQUEST', how, position]);
        assert.equal(error.message, `tail position "${position}" is not "<epoch ms>|<event.id>"`);
      }
      // The ends of the span of dates are positions: the stream opens.
      const controller = new AbortController();
      const open = await fetch(`${server.url}/api/v1/tail?after=${encodeURIComponent('8640000000000000|x')}`, { headers: AUTH, signal: controller.signal });
      assert.equal(open.status, 200);
      assert.match(open.headers.get('content-type')!, /^text\/event-stream/);
      controller.abort();
      await open.body?.cancel().catch(() => undefined);
    });

    test('the served document gives POST /api/v1/ingest its NDJSON body, not required (it showed none, so a generated client sent nothing)', async () => {
      const doc = await get(`${server.url}/api/v1/openapi.json`);
      const op = (doc.body as { paths: Record<string, { post: { requestBody?: { required: boolean; content: Record<string, { schema: { type?: string } }> } } }> })
        .paths['/api/v1/ingest']!.post;
      assert.ok(op.requestBody, 'a request body is documented');
      assert.deepEqual(Object.keys(op.requestBody.content), ['application/x-ndjson', 'text/plain']);
      assert.equal(op.requestBody.content['application/x-ndjson']!.schema.type, 'string');
      // Not required, as the route answers a request without one (schemathesis: "Missing request body" answered 200).
      assert.equal(op.requestBody.required, false);
      const none = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: AUTH });
      assert.equal(none.status, 200);
      assert.equal(((await none.json()) as { stored: number }).stored, 0);
      // Every other documented body stays required.
      const bodies = Object.entries((doc.body as { paths: Record<string, Record<string, { requestBody?: { required: boolean } }>> }).paths)
        .flatMap(([path, ops]) => Object.entries(ops).filter(([, o]) => o.requestBody).map(([m, o]) => [`${m} ${path}`, o.requestBody!.required] as const));
      assert.ok(bodies.length >= 10, String(bodies.length));
      for (const [where, required] of bodies) assert.equal(required, where !== 'post /api/v1/ingest', where);
      // What it says is what the route takes: NDJSON in that content type, each line answered.
      for (const type of ['application/x-ndjson', 'text/plain']) {
        const res = await fetch(`${server.url}/api/v1/ingest`, {
          method: 'POST', headers: { ...AUTH, 'content-type': type }, body: `{"message":"documented body, ${type}"}\nnot json\n`,
        });
        assert.equal(res.status, 200, type);
        const answer = (await res.json()) as { stored: number; errors: { line: number; code: string }[] };
        assert.equal(answer.stored, 1, type);
        assert.deepEqual(answer.errors.map((e) => [e.line, e.code]), [[2, 'LS_INGEST_LINE_NOT_JSON']], type);
      }
    });
  });
}
