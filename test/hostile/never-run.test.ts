// qlens never runs anything named in a .qmail file or a start script, in any
// mode. Every program line and script below would create a marker file if
// run (by a shell, by exec, or through a command substitution); after every
// command, the TUI load and its on-demand traces, the marker is absent, and
// no child process was even started (child_process is spied on).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { build, runClean, loadTui, ALL, NOW } from './harness.js';
import { run as runEdit } from '../../source/commands/edit.js';
import type { CommandContext } from '../../source/commands/context.js';

const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-marker-'));
const M = (n: string) => path.join(markerDir, n);

const spawned: string[] = [];
const SPIED = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
const real = new Map<string, unknown>();

before(() => {
  const target = ((childProcess as unknown as { default?: Record<string, unknown> }).default ?? childProcess) as Record<string, unknown>;
  for (const n of SPIED) {
    const orig = target[n] as (...a: unknown[]) => unknown;
    real.set(n, orig);
    target[n] = (...a: unknown[]) => {
      spawned.push(`${n} ${String(a[0])}`);
      return orig(...a);
    };
  }
  syncBuiltinESMExports();
});

after(() => {
  const target = ((childProcess as unknown as { default?: Record<string, unknown> }).default ?? childProcess) as Record<string, unknown>;
  for (const [n, f] of real) target[n] = f;
  syncBuiltinESMExports();
  fs.rmSync(markerDir, { recursive: true, force: true });
});

function world() {
  return build(
    {
      '/home/alice/.qmail': { content: `./Maildir/\n|touch ${M('dotqmail')}\n`, uid: 1001, gid: 1001 },
      '/home/alice/.qmail-prog': { content: `|/bin/sh -c 'echo ran > ${M('sh-c')}'\n|exec touch ${M('exec')}\n| \`touch ${M('backtick')}\`\n|$(touch ${M('subst')})\n`, uid: 1001, gid: 1001 },
      '/home/alice/.qmail-default': { content: `| preline /usr/bin/procmail; touch ${M('default')}\n`, uid: 1001, gid: 1001 },
      '/home/alice/.qmail-vdm': { content: `| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox; touch ${M('vdm')}\n`, uid: 1001, gid: 1001 },
      '/var/qmail/alias/.qmail-postmaster': `|touch ${M('alias')}\n&alice@example.com\n`,
      '/var/qmail/rc': `#!/bin/sh\ntouch ${M('rc')}\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start "\`touch ${M('rc-arg')}\`./Maildir/" splogger qmail\n`,
      '/service/qmail-send/run': `#!/bin/sh\n$(touch ${M('run')})\nexec /var/qmail/rc\n`,
      '/service/qmail-smtpd/run': `#!/bin/sh\nQMAILDUID=\`touch ${M('smtpd')}; id -u qmaild\`\nexec tcpserver -v -R -x /etc/tcp.smtp.cdb -c 30 -u "$QMAILDUID" 0 smtp /var/qmail/bin/qmail-smtpd 2>&1\n`,
      '/etc/tcp.smtp': `127.:allow,RELAYCLIENT=""\n:allow,QMAILQUEUE="/bin/sh -c 'touch ${M('qmailqueue')}'"\n`,
    },
    [
      {
        id: 1000001,
        sender: 'x@remote.example',
        born: '2026-11-25T10:00:00Z',
        recipients: [
          { address: 'alice-prog@example.com', channel: 'local' },
          { address: 'alice@example.com', channel: 'local' },
          { address: 'postmaster@example.com', channel: 'local' },
        ],
        content: `Subject: $(touch ${M('subject')})\n\n|touch ${M('body')}\n`,
      },
    ],
  );
}

/** The fixture (its queue writer makes lock/trigger with mkfifo); what qlens spawns is counted from here. */
function built() {
  const b = world();
  spawned.length = 0;
  return b;
}

function markers(): string[] {
  return fs.readdirSync(markerDir);
}

const ADDRESSES = ['alice@example.com', 'alice-prog@example.com', 'alice-anything@example.com', 'alice-vdm@example.com', 'postmaster@example.com', 'nobody@example.com'];

test('no command runs a .qmail program line or a start script (marker absent, no child process started)', async () => {
  const b = built();
  for (const name of ALL) await runClean(name, b.sysroot());
  await runClean('trace', b.sysroot(), { positionals: ADDRESSES });
  await runClean('trace', b.sysroot(), { positionals: ADDRESSES, json: true });
  await runClean('trace', b.sysroot(), { positionals: ['alice-prog@example.com'], options: { inject: true, 'all-instances': true, now: '2026-11-25T12:00:00Z' } });
  await runClean('queue', b.sysroot(), { options: { message: '1000001' } });
  await runClean('queue', b.sysroot(), { json: true });
  const prog = await runClean('trace', b.sysroot(), { positionals: ['alice-prog@example.com'] });
  assert.match(prog.out, /never run by qlens/);
  // An edit preview re-traces the addresses the change touches: still nothing is run.
  let out = '';
  const ctx: CommandContext = {
    sysroot: b.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: ['/home/alice/.qmail-prog'],
    options: { impact: ADDRESSES },
    json: false,
    color: false,
    readOnly: false,
    out: (t) => (out += t),
    err: (t) => (out += t),
    readStdin: async () => `|touch ${M('edit-preview')}\n`,
  };
  assert.equal(await runEdit(ctx), 0, out);
  assert.deepEqual(markers(), []);
  assert.deepEqual(spawned, []);
});

test('the TUI load, its traces and file views run nothing either', async () => {
  const b = built();
  const data = await loadTui(b.fx.dir, [
    ...ADDRESSES.map((address) => ({ kind: 'trace' as const, address })),
    { kind: 'file', path: '/home/alice/.qmail-prog' },
    { kind: 'file', path: '/var/qmail/rc' },
    { kind: 'message', instance: '/var/qmail', id: 1000001 },
  ]);
  assert.ok(data.parts.dotqmail && data.parts.problems && data.parts.queues, 'everything loaded');
  assert.equal(data.details['message:/var/qmail:1000001']?.kind, 'message');
  assert.ok(NOW > 0);
  assert.deepEqual(markers(), []);
  assert.deepEqual(spawned, []);
});
