// contract.md "The default delivery": from the start script (rc, supervise
// run); when no start script is in the tree and control/defaultdelivery
// exists, its content — the stock rc runs
// qmail-start "`cat /var/qmail/control/defaultdelivery`" (notqmail's rc:
// "$(cat control/defaultdelivery)") — marked in the walk as an assumption;
// else qmail-start's built-in ./Mailbox (qmail-start.c: aliasempty
// defaults to "./Mailbox\n"), said as an assumption too. qmail-local turns
// an empty aliasempty into a blank first line: "Uh-oh: first line of .qmail
// file is blank. (#4.2.1)".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceB, baseline, baselineFiles, outcomes, maildir } from './baseline.js';
import { makeFixture } from '../helpers/fixture.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { lintInstallations } from '../../source/qmail/lint.js';
import { dotqmailTree } from '../../source/ui/dotqmail-tree.js';
import type { TraceResult } from '../../source/trace/types.js';

const DD = '/var/qmail/control/defaultdelivery';
const stepOf = (r: TraceResult, re: RegExp) => r.hops.flatMap((h) => h.steps).find((s) => re.test(s.text));
/** Configuration B without its rc: a copy of a server that holds control/ but no start script. */
const noRc = (changes: Record<string, unknown> = {}) => ({ '/var/qmail/rc': null, ...changes }) as Parameters<typeof traceB>[1];

test('no start script, control/defaultdelivery present: its content is the default delivery, marked as assumed', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'a\n', [DD]: './Maildir/\n' });
  const dd = loadInstallation(fx.sysroot(), '/var/qmail').defaultDelivery();
  assert.equal(dd.text, './Maildir/');
  assert.deepEqual([dd.path, dd.line, dd.assumed], [DD, 1, 'defaultdelivery']);
  assert.match(dd.explanation, /^assumed: no start script of \/var\/qmail found \(rc, supervise run scripts\), so qmail-start's first argument, the real default delivery, is unknown; taken to be the content of \/var\/qmail\/control\/defaultdelivery, which the stock rc passes to qmail-start/);
});

test('control/defaultdelivery as the command substitution gives it: lines kept, trailing newlines dropped; empty is a blank first line', () => {
  const multi = makeFixture({ '/var/qmail/control/me': 'a\n', [DD]: '|preline procmail\n./Mailbox\n\n\n' });
  assert.equal(loadInstallation(multi.sysroot(), '/var/qmail').defaultDelivery().text, '|preline procmail\n./Mailbox');
  const empty = loadInstallation(makeFixture({ '/var/qmail/control/me': 'a\n', [DD]: '' }).sysroot(), '/var/qmail').defaultDelivery();
  assert.equal(empty.text, '');
  assert.match(empty.explanation, /it is empty, so qmail-local would defer mail for a user without a \.qmail \(Uh-oh: first line of \.qmail file is blank\. \(#4\.2\.1\)\)/);
  const r = traceB('joe', noRc({ [DD]: '\n' }));
  assert.deepEqual(outcomes(r), ['defer Uh-oh: first line of .qmail file is blank. (#4.2.1)']);
});

test('neither a start script nor control/defaultdelivery: ./Mailbox, said as an assumption', () => {
  const dd = loadInstallation(makeFixture({ '/var/qmail/control/me': 'a\n' }).sysroot(), '/var/qmail').defaultDelivery();
  assert.deepEqual([dd.text, dd.path, dd.line, dd.assumed], ['./Mailbox', null, null, 'builtin']);
  assert.match(dd.explanation, /^assumed: no start script .* and there is no \/var\/qmail\/control\/defaultdelivery: qmail-start's built-in default \.\/Mailbox$/);
});

test('a start script wins over control/defaultdelivery: qmail-start reads only its argument', () => {
  // Configuration B's rc runs qmail-start ./Mailbox; control/defaultdelivery is not read by qmail.
  const r = traceB('joe', { [DD]: './Maildir/\n', ...maildir('/home/joe/Maildir') });
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
  const inst = loadInstallation(baseline({ [DD]: './Maildir/\n' }).sysroot(), '/var/qmail');
  assert.equal(inst.defaultDelivery().assumed, undefined);
});

test('walk: a user without a .qmail gets control/defaultdelivery; the step says it is an assumption and why, and points at the file (trace JSON too)', () => {
  const r = traceB('joe', noRc({ [DD]: './Maildir/\n', ...maildir('/home/joe/Maildir') }));
  assert.deepEqual(outcomes(r), ['maildir /home/joe/Maildir/']);
  const s = stepOf(r, /the default delivery applies/)!;
  assert.match(s.text, /the default delivery applies: "\.\/Maildir\/" — assumed: no start script of \/var\/qmail found/);
  assert.match(s.text, /the stock rc passes to qmail-start/);
  assert.deepEqual([s.path, s.line], [DD, 1]);
  const json = JSON.parse(JSON.stringify(r));
  assert.ok(json.hops[0].steps.some((x: { path?: string; line?: number; text: string }) => x.path === DD && x.line === 1 && /assumed/.test(x.text)));
  // Without control/defaultdelivery: ./Mailbox, assumed too.
  const mb = traceB('joe', noRc());
  assert.deepEqual(outcomes(mb), ['mbox /home/joe/Mailbox']);
  assert.match(stepOf(mb, /the default delivery applies/)!.text, /"\.\/Mailbox" — assumed: .*qmail-start's built-in default \.\/Mailbox/);
});

test('qlens check (lint) and the Dot-qmail view say the same default delivery and the same assumption', () => {
  const files = { ...baselineFiles(), [DD]: './Maildir/\n' } as Record<string, unknown>;
  delete files['/var/qmail/rc'];
  const sr = makeFixture(files as Parameters<typeof makeFixture>[0]).sysroot();
  const inst = loadInstallation(sr, '/var/qmail');
  const users = systemUsersOf(sr);
  const d = lintInstallations([inst], users).find((x) => x.code === 'no-start-script')!;
  assert.equal(d.message, 'no start script found for /var/qmail: the default delivery is assumed to be /var/qmail/control/defaultdelivery\'s "./Maildir/", which the stock rc passes to qmail-start');
  const rows = dotqmailTree(sr, inst, users).map((n) => n.text);
  assert.ok(rows.includes('no .qmail file: the default delivery applies: "./Maildir/" (assumed: no start script found, so control/defaultdelivery, as the stock rc passes it)'), rows.join('\n'));
  const bare = makeFixture({ '/var/qmail/control/me': 'a\n' }).sysroot();
  const b = lintInstallations([loadInstallation(bare, '/var/qmail')], systemUsersOf(bare)).find((x) => x.code === 'no-start-script')!;
  assert.match(b.message, /no control\/defaultdelivery: the default delivery is assumed to be qmail-start's built-in \.\/Mailbox/);
});
