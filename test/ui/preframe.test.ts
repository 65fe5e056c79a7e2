import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preframeText } from '../../source/ui/preframe.js';
import { emptySession } from '../../source/ui/session-data.js';

const data = {
  ...emptySession({ sysrootDir: '/x', demo: 'multi', note: 'demo multi (no /var/qmail/control on this machine)' }),
  instances: [{ root: '/var/qmail', me: 'mail.a.example', accepts: 4, delivers: 3, acceptsAll: false, queue: { messages: 30, todo: 5 } }],
  progress: { done: 1, total: 7, step: 'reading control files' },
};

test('the pre-frame shown while Ink loads says what was opened and the facts found so far', () => {
  const t = preframeText(data, 80, 24).split('\n');
  assert.equal(t[0], 'qlens  demo multi (no /var/qmail/control on this machine)');
  assert.match(t[1], /^\/var\/qmail +me mail\.a\.example  accepts 4 · delivers 3 domains  queue 30 \(5 todo\)$/);
  assert.match(t[3], /loading 1\/7 reading control files/);
  assert.ok(t.every((l) => l.length <= 80));
});

test('the pre-frame of a too-small terminal is the one line asking for room', () => {
  const t = preframeText(data, 50, 10);
  assert.ok(t.startsWith('qlens needs at least 60x16 (now 50x10)'));
  assert.ok(!t.includes('\n') && t.length <= 50);
});
