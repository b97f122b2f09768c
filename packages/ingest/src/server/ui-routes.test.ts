import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  // Over a socket: inject() resolves `%2e%2e` and `..` before routing, a client need not.
  test('an asset path that could leave the folder, or names no file, is a coded 400 saying why; none answers 5xx', async () => {
    const app = Fastify();
    await registerUiRoutes(app, dir);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const get = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject).end();
    });
    try {
      for (const [path, why] of [
        ['/assets/%2e%2e/index.html', /a "\.\." segment would leave the asset folder/],
        ['/assets/%2E%2E/%2e%2e/package.json', /a "\.\." segment would leave the asset folder/],
        ['/assets/../index.html', /a "\.\." segment/],
        ['/assets/%5c..%5cindex.html', /a "\.\." segment/],
        ['/assets/a%5cb.js', /a backslash/],
        ['/assets/./index-AbCd1234.js', /a "\." or empty segment/],
        ['/assets/x//index-AbCd1234.js', /a "\." or empty segment/],
        ['/assets/%00', /a NUL character/],
        ['/assets/index%00.js', /a NUL character/],
        [`/assets/${'a'.repeat(5000)}.js`, /a segment is over 255 bytes/],
        ['/assets/INDEX-AbCd1234.js', /not the exact spelling|^$/],
      ] as const) {
        const res = await get(path);
        const shown = path.slice(0, 60);
        assert.ok(res.status < 500, `${shown}: ${res.status}`);
        if (res.status === 404) {
          // A filesystem that tells the spellings apart has no such file.
          assert.equal(path, '/assets/INDEX-AbCd1234.js');
          continue;
        }
        assert.equal(res.status, 400, shown);
        const { error } = JSON.parse(res.body) as { error: { code: string; message: string } };
        assert.equal(error.code, 'LS_INGEST_ASSET_PATH_REFUSED', shown);
        assert.match(error.message, /^asset path "\/assets\/[^]*? is refused: /, shown);
        assert.match(error.message, why, shown);
        assert.ok(error.message.length < 400, `${shown}: a long path is shown cut`);
      }
      // Paths no route of the folder takes are still 404 (fastify's own here; the server's in its app).
      assert.equal((await get('/assets/a%2fb')).status, 404);
      assert.equal((await get('/assets/index-AbCd1234.js')).status, 200);
    } finally {
      await app.close();
    }
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
  test('a rebuilt page is served without a restart: the new index and its assets, not the old index naming deleted ones', async () => {
    const build = await mkdtemp(join(tmpdir(), 'ui-rebuild-'));
    const writeBuild = async (hash: string, mtime: Date) => {
      // As Vite does: dist/ emptied, then the assets and the index that names them.
      await rm(join(build, 'assets'), { recursive: true, force: true });
      await mkdir(join(build, 'assets'));
      await writeFile(join(build, 'assets', `index-${hash}.js`), `console.log('${hash}')`);
      // The same length each build (only the hash differs), as Vite's are.
      await writeFile(join(build, 'index.html'), `<!doctype html><script src="/assets/index-${hash}.js"></script>`);
      await utimes(join(build, 'index.html'), mtime, mtime);
    };
    try {
      await writeBuild('AAAAAAAA', new Date(Date.now() - 60_000));
      const app = Fastify();
      await registerUiRoutes(app, build);
      const first = await app.inject('/');
      assert.match(first.body, /index-AAAAAAAA\.js/);
      const etag = String(first.headers.etag);
      assert.equal((await app.inject({ url: '/', headers: { 'if-none-match': etag } })).statusCode, 304, 'unchanged: revalidated without a body');

      await writeBuild('BBBBBBBB', new Date());
      const second = await app.inject({ url: '/', headers: { 'if-none-match': etag } });
      assert.equal(second.statusCode, 200, 'the old ETag no longer matches');
      assert.equal(second.headers['cache-control'], 'no-cache');
      assert.match(second.body, /index-BBBBBBBB\.js/);
      assert.notEqual(second.headers.etag, etag);
      const asset = await app.inject('/assets/index-BBBBBBBB.js');
      assert.equal(asset.statusCode, 200);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal((await app.inject('/assets/index-AAAAAAAA.js')).statusCode, 404);
      await app.close();
    } finally {
      await rm(build, { recursive: true, force: true });
    }
  });

  test('a page built after the server started is served (it answered 503 until a restart)', async () => {
    const build = join(await mkdtemp(join(tmpdir(), 'ui-later-')), 'dist');
    try {
      const app = Fastify();
      await registerUiRoutes(app, build);
      assert.equal((await app.inject('/')).statusCode, 503);
      await mkdir(join(build, 'assets'), { recursive: true });
      await writeFile(join(build, 'assets', 'index-CcCc1234.js'), 'console.log(2)');
      await writeFile(join(build, 'index.html'), '<!doctype html><script src="/assets/index-CcCc1234.js"></script>');
      const index = await app.inject('/');
      assert.equal(index.statusCode, 200);
      assert.match(index.body, /index-CcCc1234\.js/);
      assert.equal((await app.inject('/assets/index-CcCc1234.js')).statusCode, 200);
      await app.close();
    } finally {
      await rm(dirname(build), { recursive: true, force: true });
    }
  });
});
