import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globBase, globDepth, globToRegExp, PathMatcher } from './glob.js';

test('/var/log/app/*.log matches files of that directory only', () => {
  const r = globToRegExp('/var/log/app/*.log');
  assert.ok(r.test('/var/log/app/a.log'));
  assert.ok(!r.test('/var/log/app/sub/a.log'));
  assert.ok(!r.test('/var/log/app/a.log.1'));
});

test('/var/log/**/x.{log,txt} crosses directories and alternates', () => {
  const r = globToRegExp('/var/log/**/x.{log,txt}');
  assert.ok(r.test('/var/log/x.log'));
  assert.ok(r.test('/var/log/a/b/x.txt'));
  assert.ok(!r.test('/var/log/a/x.gz'));
});

test('base directory and depth of a glob', () => {
  assert.equal(globBase('/var/log/app/*.log'), '/var/log/app');
  assert.equal(globDepth('/var/log/app/*.log'), 0);
  assert.equal(globBase('/var/log/*/nginx/access.log'), '/var/log');
  assert.equal(globDepth('/var/log/*/nginx/access.log'), 2);
  assert.equal(globDepth('/var/**/a.log'), undefined);
  assert.equal(globBase('/var/log/app.log'), '/var/log');
});

test('exclude without a slash applies to the file name', () => {
  const m = new PathMatcher(['/logs/app.log*'], ['*.gz', '/logs/app.log.[0-9]9']);
  assert.ok(m.matches('/logs/app.log.1'));
  assert.ok(!m.matches('/logs/app.log.2.gz'));
  assert.ok(!m.matches('/logs/app.log.19'));
  assert.ok(!m.matches('/other/app.log'));
});
