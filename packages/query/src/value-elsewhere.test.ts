import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from './parse.js';
import { elsewhereProbe, valuesElsewhere } from './value-elsewhere.js';

const probeOf = (q: string) => elsewhereProbe(q, parse(q));
const HIT = { '@timestamp': '2026-02-08T12:00:00.000Z', 'event.id': 'a', message: 'GET /api/orders', remote_addr: '203.0.113.250', reqId: 'req-918883', 'user.name': 'ann', order: 918883, tags: '["prod","eu"]' };
const eq = (n: number) => ({ value: n, relation: 'eq' });

test('the probe puts each free-text value on every field, the rest of the query as written', () => {
  assert.equal(probeOf('203.0.113.250')!.query, '*:203.0.113.250');
  assert.equal(probeOf('203.0.113.250 AND level:error')!.query, '*:203.0.113.250 AND level:error');
  // A value with letters is asked in any case too (keyword values are exact, case included).
  assert.equal(
    probeOf('"GET /api" OR req-918883')!.query,
    '(*:"GET /api" OR *:/[gG][eE][tT]\\ \\/[aA][pP][iI]/) OR (*:req\\-918883 OR *:/[rR][eE][qQ]\\-918883/)',
  );
  assert.equal(probeOf('Checkout')!.query, '(*:Checkout OR *:/[cC][hH][eE][cC][kK][oO][uU][tT]/)');
  // A value every match must hold: fields found holding it cannot be text (the query found nothing).
  assert.equal(probeOf('203.0.113.250 level:error')!.required, true);
  assert.equal(probeOf('203.0.113.250 OR 10.0.0.1')!.required, false);
  assert.equal(probeOf('a b')!.required, false);
});

test('no probe for field clauses only, values under NOT, saved queries, or words other hints speak of', () => {
  for (const q of ['remote_addr:203.0.113.250', 'level:error AND host:web-1', 'NOT 203.0.113.250 AND level:error', '@errors', 'error', 'and', 'level=error', '🚀', '*', '']) {
    assert.equal(probeOf(q), null, q);
  }
  assert.deepEqual(probeOf('@errors 203.0.113.250')!.values.map((v) => v.value), ['203.0.113.250']);
});

test('which field holds the value, how many events, and the query that finds it', () => {
  const said = (q: string, hits: Record<string, unknown>[], total = eq(hits.length)) => valuesElsewhere(probeOf(q)!, { hits, total }).map((v) => v.text);
  assert.deepEqual(said('203.0.113.250', [HIT, HIT, HIT]), [
    '"203.0.113.250" is not in the text fields (message, …) that free text searches; it is the value of remote_addr in 3 events: remote_addr:"203.0.113.250"',
  ]);
  // A number compares as one; an array's element; a dotted name; the rest of the query kept.
  assert.match(said('918883 level:error', [HIT])[0]!, /the value of order in 1 event: order:918883 level:error$/);
  assert.match(said('prod', [HIT])[0]!, /the value of tags in 1 event: tags:"prod"$/);
  assert.match(said('ann', [HIT])[0]!, /the value of user\.name in 1 event: user\.name:"ann"$/);
  // Counts of the first events read, when the probe found more.
  assert.match(said('203.0.113.250', [HIT], { value: 5000, relation: 'gte' })[0]!, /of remote_addr in at least 1 event:/);
  // Two fields: both, most events first, with an OR.
  const xff = { ...HIT, remote_addr: '10.0.0.1', forwarded_for: '203.0.113.250' };
  assert.deepEqual(said('203.0.113.250', [HIT, xff, HIT]), [
    '"203.0.113.250" is not in the text fields (message, …) that free text searches; it is the value of remote_addr in 2 events and of forwarded_for in 1 event: (remote_addr:"203.0.113.250" OR forwarded_for:"203.0.113.250")',
  ]);
  // Two values: the one found in the message is not blamed; the query finds both.
  assert.deepEqual(said('orders req-918883', [HIT]), [
    '"req-918883" is not in the text fields (message, …) that free text searches; it is the value of reqId in 1 event: orders reqId:"req-918883"',
  ]);
  // Nothing found by the probe, or only a @timestamp (a pasted date): nothing said.
  assert.deepEqual(said('203.0.113.250', []), []);
  assert.deepEqual(said('2026-02-08', [HIT]), []);
});

test('a field that is text on the server is text: the value was searched there', () => {
  const q = 'req-918883 OR x';
  const hit = { ...HIT, reqId: undefined, detail: 'req-918883' };
  assert.equal(valuesElsewhere(probeOf(q)!, { hits: [hit], total: eq(1) }).length, 1);
  assert.deepEqual(valuesElsewhere(probeOf(q)!, { hits: [hit], total: eq(1) }, ['message', 'detail']), []);
});

test('a value held in another case is found, and the query said has the spelling events hold', () => {
  const hits = [{ ...HIT, service: 'checkout' }, { ...HIT, service: 'checkout' }];
  for (const q of ['Checkout', 'Checkout level:error']) {
    const probe = probeOf(q)!;
    assert.ok(hits.every((h) => h.service.toLowerCase() === 'checkout'));
    assert.deepEqual(valuesElsewhere(probe, { hits, total: eq(2) }).map((v) => v.text), [
      `"Checkout" is not in the text fields (message, …) that free text searches; it is the value of service in 2 events as "checkout" (values are case-sensitive): service:"checkout"${q === 'Checkout' ? '' : ' level:error'}`,
    ]);
  }
  // Some events hold it as written: that spelling is the query's, no case is named.
  const mixed = [{ ...HIT, service: 'Checkout' }, { ...HIT, service: 'checkout' }];
  assert.deepEqual(valuesElsewhere(probeOf('Checkout')!, { hits: mixed, total: eq(2) }).map((v) => v.text), [
    '"Checkout" is not in the text fields (message, …) that free text searches; it is the value of service in 2 events: service:"Checkout"',
  ]);
});

test('two values are said in one sentence, a value written twice once', () => {
  const two = valuesElsewhere(probeOf('203.0.113.250 OR req-918883')!, { hits: [HIT], total: eq(1) });
  assert.deepEqual(two.map((v) => [v.values, v.text]), [[
    ['203.0.113.250', 'req-918883'],
    '"203.0.113.250" and "req-918883" are not in the text fields (message, …) that free text searches; "203.0.113.250" is the value of remote_addr in 1 event, "req-918883" the value of reqId in 1 event: remote_addr:"203.0.113.250" OR reqId:"req-918883"',
  ]]);
  const twice = valuesElsewhere(probeOf('req-918883 OR req-918883')!, { hits: [HIT], total: eq(1) });
  assert.deepEqual(twice.map((v) => v.text), [
    '"req-918883" is not in the text fields (message, …) that free text searches; it is the value of reqId in 1 event: reqId:"req-918883" OR reqId:"req-918883"',
  ]);
});
