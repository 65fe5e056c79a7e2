// Issue 21 point 10: a message left in todo/ for more than a few minutes
// means qmail-send is not running (or cannot process it). `qlens check`
// warns with the age and the fix; the TUI's Queues view counts them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { writeQueue } from '../helpers/queue-writer.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { STUCK_TODO_MS, stuckTodoOf, stuckTodoRule } from '../../source/checks/stuck-todo.js';
import { run as runCheck } from '../../source/commands/check.js';
import { commandContext } from '../helpers/command-context.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function host(split?: boolean) {
  const fx = makeFixture({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/var/qmail/alias/.qmail-postmaster': '&alice\n',
    '/var/qmail/rc': 'exec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\n',
    '/var/qmail/control/rcpthosts': 'example.com\n',
  });
  writeQueue(
    fx.dir,
    '/var/qmail',
    [
      { id: 201, sender: 'carol@example.net', recipients: ['alice@example.com'], state: 'todo', queued: '2026-11-25T09:55:00Z' },
      { id: 202, sender: 'carol@example.net', recipients: ['alice@example.com'], state: 'todo', queued: '2026-11-25T11:30:00Z' },
      // A minute old: qmail-send may simply not have got to it yet.
      { id: 203, sender: 'carol@example.net', recipients: ['alice@example.com'], state: 'todo', queued: '2026-11-25T11:59:00Z' },
      { id: 204, sender: 'carol@example.net', recipients: [{ address: 'bob@remote.example', channel: 'remote' }], queued: '2026-11-20T12:00:00Z' },
    ],
    { split: 23, bigTodo: split },
  );
  return fx;
}

test('todo/ entries older than five minutes are counted, the oldest named; a preprocessed message is not', () => {
  const inst = loadInstallation(host().sysroot(), '/var/qmail');
  assert.equal(STUCK_TODO_MS, 5 * 60 * 1000);
  assert.deepEqual(stuckTodoOf(inst, NOW), { count: 2, oldestMs: Date.parse('2026-11-25T09:55:00Z') });
  // Four minutes after the newest was queued, only the two old ones count; an hour before them, none.
  assert.equal(stuckTodoOf(inst, Date.parse('2026-11-25T09:58:00Z')), null);
});

test('the big-todo patch (todo/ split like mess/) is read the same', () => {
  const inst = loadInstallation(host(true).sysroot(), '/var/qmail');
  assert.deepEqual(stuckTodoOf(inst, NOW), { count: 2, oldestMs: Date.parse('2026-11-25T09:55:00Z') });
});

test('the lint rule: one warning on queue/todo with the count, the age and the fix', () => {
  const inst = loadInstallation(host().sysroot(), '/var/qmail');
  const [d, ...more] = stuckTodoRule(NOW)([inst]);
  assert.equal(more.length, 0);
  assert.equal(d.path, '/var/qmail/queue/todo');
  assert.equal(d.severity, 'warning');
  assert.equal(d.code, 'todo-stuck');
  assert.match(d.message, /^2 messages in todo\/ for more than 5 minutes \(the oldest 2h 5m\): qmail-send is not running for \/var\/qmail, or cannot process them: start it/);
  assert.match(d.message, /read its log$/);
});

test('qlens check warns about them (once per run, however often it runs in a process)', async () => {
  // check judges ages against the clock: these were queued long ago.
  const fx = host();
  for (let i = 0; i < 2; i++) {
    const { ctx, out } = commandContext(fx.sysroot());
    const status = await runCheck(ctx);
    assert.equal(status, 0, out.join(""));
    const lines = out.join('').split('\n').filter((l) => l.includes('todo-stuck') || l.includes('in todo/'));
    assert.equal(lines.length, 1, out.join(''));
    assert.match(lines[0], /^\/var\/qmail\/queue\/todo: warning: 3 messages in todo\/ for more than 5 minutes \(the oldest \d+d \d+h\): qmail-send is not running for \/var\/qmail/);
  }
});
