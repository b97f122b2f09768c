import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { registerUiRoutes } from './ui-routes.js';

describe('ui routes', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ui-routes-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><script src="/assets/index-AbCd1234.js"></script>');
    await writeFile(join(dir, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('/ is the index, not cached; assets are cached for a year; unknown assets 404', async () => {
    const app = Fastify();
    await registerUiRoutes(app, dir);
    const index = await app.inject('/');
    assert.equal(index.statusCode, 200);
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.match(String(index.headers['content-type']), /^text\/html/);
    assert.match(index.body, /index-AbCd1234\.js/);
    const asset = await app.inject('/assets/index-AbCd1234.js');
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'console.log(1)');
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await app.inject('/assets/nope.js')).statusCode, 404);
    assert.equal((await app.inject('/assets/../index.html')).statusCode, 404);
    await app.close();
  });

  test('without a build, / answers 503 LS_INGEST_UI_NOT_BUILT', async () => {
    for (const d of [null, join(dir, 'missing')]) {
      const app = Fastify();
      await registerUiRoutes(app, d);
      const res = await app.inject('/');
      assert.equal(res.statusCode, 503);
      assert.equal(JSON.parse(res.body).code, 'LS_INGEST_UI_NOT_BUILT');
      await app.close();
    }
  });
});
