// What the one-shot commands print, text and JSON, over files and addresses
// full of control bytes: no ESC, no C0/C1 control, no DEL, no bidi or
// zero-width code point reaches the terminal raw (newlines and the tabs of
// our own layout excepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeFixture } from '../helpers/fixture.js';
import { writeQueue } from '../helpers/queue-writer.js';
import type { CommandContext } from '../../source/commands/context.js';
import { diskParams } from './arbitraries.js';

const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom('\x1b]0;pwned\x07', '\x1b[2J', '\x9b31m', '\u202e', '\u200b', '\x7f', '\r', '\x00', '\xff', '\u2066'),
      fc.string({ unit: 'binary', maxLength: 3 }),
      fc.constantFrom('a', 'b', '@', '.', '-', ':'),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((a) => a.join(''));

async function runCommand(name: string, dir: string, positionals: string[], json: boolean, options: Record<string, string | boolean | string[]> = {}): Promise<{ status: number; out: string; err: string }> {
  const { Sysroot } = await import('../../source/sysroot/sysroot.js');
  const mod = (await import(`../../source/commands/${name}.js`)) as { run: (c: CommandContext) => Promise<number> };
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    sysroot: new Sysroot(dir),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals,
    options: { ...options, ...(json ? { json: true } : {}) },
    json,
    color: false,
    readOnly: true,
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readStdin: async () => '',
  };
  let status: number;
  try {
    status = await mod.run(ctx);
  } catch (e) {
    // A usage error is an answer (exit 2), not a crash; its text is printed by cli.tsx through sanitize.
    if ((e as Error)?.name === 'UsageError') return { status: 2, out, err };
    throw e;
  }
  return { status, out, err };
}

test('trace, domains, check, queue: hostile files and addresses never put raw control bytes on the terminal', async () => {
  await fc.assert(
    fc.asyncProperty(hostileText, hostileText, hostileText, fc.boolean(), async (dotqmail, domain, address, json) => {
      const fx = makeFixture({
        '/var/qmail/control/me': `mail.example.com\n`,
        '/var/qmail/control/locals': `example.com\n${domain}\n`,
        '/var/qmail/control/rcpthosts': `example.com\n${domain}\n`,
        '/var/qmail/control/virtualdomains': `${domain}:alice\n`,
        '/etc/passwd': `alice:x:1001:1001:${domain}:/home/alice:/bin/sh\n`,
        '/home/alice/.qmail': Buffer.from(`./Maildir/\n${dotqmail}\n|${dotqmail}\n&${dotqmail}\n`, 'latin1'),
        '/home/alice/.qmail-default': Buffer.from(dotqmail, 'latin1'),
      });
      writeQueue(fx.dir, '/var/qmail', [{ id: 7, sender: Buffer.from(address, 'latin1'), recipients: [{ address: Buffer.from(`${address}@${domain}`, 'latin1'), channel: 'local' }], content: Buffer.from(`Subject: ${dotqmail}\n\nbody\n`, 'latin1') }], { split: 3, fsmeta: false, fifo: false });
      try {
        for (const addr of [`alice@example.com`, `alice-${address}@example.com`, `${address}@${domain}`, address]) {
          const r = await runCommand('trace', fx.dir, [addr], json);
          assert.ok(!RAW.test(r.out), `trace ${JSON.stringify(addr)} printed raw: ${JSON.stringify(r.out.match(RAW))}`);
          assert.ok(!RAW.test(r.err), `trace stderr raw: ${JSON.stringify(r.err)}`);
        }
        for (const [cmd, opts] of [['domains', {}], ['check', {}], ['queue', {}], ['queue', { message: '7' }]] as const) {
          const r = await runCommand(cmd, fx.dir, [], json, opts);
          assert.ok(!RAW.test(r.out), `${cmd} printed raw: ${JSON.stringify(r.out.match(RAW))}`);
          assert.ok(!RAW.test(r.err), `${cmd} stderr raw: ${JSON.stringify(r.err)}`);
        }
      } finally {
        fx.cleanup();
      }
    }),
    { numRuns: Math.max(10, Math.floor(diskParams.numRuns / 2)) },
  );
});
