// The Log view over a real multilog log: newest first, / filters, Enter
// opens a message's story with the prediction beside each recipient and
// from there a recipient's trace, z the summary, f follows lines as they are
// appended; the Queues view's message screen shows its log story and the
// Trace view the newest attempts to the traced address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp } from './helpers/ink-app.js';
import { KEYS } from './helpers/keys.js';
import { installation, story } from '../helpers/log-story.js';
import { multilog } from '../helpers/multilog.js';
import { writeQueue } from '../helpers/queue-writer.js';

function fixture() {
  const fx = installation();
  story(fx, { cutLastLine: false });
  // A message still in the queue, deferring, and what its log says.
  multilog(fx.host('/var/log/qmail'), [
    'new msg 500',
    'info msg 500: bytes 500 from <queued@b.example> qp 1500 uid 0',
    'starting delivery 20: msg 500 to local a@a.example',
    'delivery 20: deferral: Unable_to_switch_to_/home/a:_file_does_not_exist._(#4.3.0)/',
  ]);
  writeQueue(fx.dir, '/var/qmail', [{ id: 500, sender: 'queued@b.example', born: '2026-11-25T10:00:00Z', recipients: [{ address: 'a@a.example', channel: 'local' }] }]);
  return fx;
}

test('Log view: newest first, filter, a story with predictions, a trace from it, the summary', async () => {
  const fx = fixture();
  const app = renderApp(fx.dir);
  await app.waitFor((f) => f.includes('7 Log'));
  await app.press('7');
  let f = await app.waitFor((f) => /Log — newest first .*attempts/.test(f));
  assert.match(f, /\/var\/qmail: multilog \/var\/log\/qmail/);
  // Newest first: msg 500's deferral (the last line of the log) above msg 400's.
  const order = ['500', '400', '302', '301', '300'].map((id) => f.search(new RegExp(`[ ≠]${id} +[!✓✗]`)));
  assert.ok(order.every((x, i) => x > 0 && (i === 0 || x > order[i - 1])), `newest first: ${order}`);
  // The deferral the tracer now calls a delivery is marked.
  await app.waitFor((f) => /≠\s*500/.test(f));

  await app.press('/', ...'nobody');
  f = await app.waitFor((f) => f.includes('1 of ') && f.includes('nobody@a.example'));
  assert.match(f, /300 +✗ failure +nobody@a\.example/);
  assert.doesNotMatch(f, /far@e\.example/);
  await app.press(KEYS.enter, KEYS.down, KEYS.enter);
  f = await app.waitFor((f) => f.includes("message 300 in /var/qmail's log") && f.includes('from <sender@d.example>'));
  assert.match(f, /from <sender@d\.example>/);
  assert.match(f, /delivery 4 +local nobody@a\.example +failure: Sorry, no mailbox here by/);
  assert.match(f, /qlens now predicts bounce Sorry, no mailbox here by that name\. \(#5\.1\.1\) — ✓ agrees/);
  assert.match(f, /bounced: the bounce is qp 1301 \(msg 301\)/);
  // Enter on the attempt (the head line wraps in two): its recipient traced as queued.
  await app.press(KEYS.down, KEYS.down, KEYS.enter);
  f = await app.waitFor((f) => f.includes('trace nobody@a.example as queued in /var/qmail (local channel'));
  f = await app.waitFor((f) => f.includes("what qmail-send's log says"));
  assert.match(f, /300 +✗ failure +nobody@a\.example/);

  await app.press('7', KEYS.esc, KEYS.esc);
  await app.waitFor((f) => /Log — newest first/.test(f) && !f.includes('filter:'));
  await app.press('z');
  f = await app.waitFor((f) => f.includes('Log summary'));
  assert.match(f, /delivery attempts: \d+: \d+ success, 2 deferral, 3 failure/);
  assert.match(f, /Sorry, no mailbox here by that name/);
  app.unmount();
});

test("Log view: f follows lines appended by multilog; the Queues view's message screen tells the message's log story", async () => {
  const fx = fixture();
  const app = renderApp(fx.dir);
  await app.waitFor((f) => f.includes('7 Log'));
  await app.press('7');
  await app.waitFor((f) => /Log — newest first .* \d+ attempts/.test(f));
  await app.press('f');
  await app.waitFor((f) => f.includes('following live'));
  multilog(fx.host('/var/log/qmail'), ['starting delivery 21: msg 500 to local a@a.example', 'delivery 21: success: did_1+0+0/', 'end msg 500']);
  let f = await app.waitFor((f) => /500 +✓ success +a@a\.example/.test(f));
  assert.ok(f.indexOf('✓ success  a@a.example') < f.indexOf('! deferral'), 'the new attempt on top');
  await app.press(KEYS.esc);
  await app.press('2');
  await app.waitFor((f) => /Enter opens a message/.test(f));
  await app.press(KEYS.enter);
  // The log's rows come once its story is read: then to the bottom.
  await app.waitFor((f) => /message #500 in \/var\/qmail \(Esc back\) +(2[1-9]|[3-9]\d) lines/.test(f));
  await app.press('G');
  f = await app.waitFor((f) => f.includes("qmail-send's log of this message"));
  f = await app.waitFor((f) => /delivery 20 +local a@a\.example +deferral/.test(f));
  assert.match(f, /msg 500 +\/var\/qmail +received/);
  app.unmount();
});
