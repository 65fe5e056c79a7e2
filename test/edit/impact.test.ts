import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maildir } from '../trace/baseline.js';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { writeQueue } from '../helpers/queue-writer.js';
import { stageEdits, type EditRequest } from '../../source/edit/stage.js';
import { stageEnv, previewImpact, overlayOf } from '../../source/edit/session.js';
import { traceForImpact } from '../../source/edit/tracer.js';
import { UNKNOWN_LOCAL, UNLISTED_DOMAIN } from '../../source/edit/impact.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';

const passwd = [
  'alias:x:7790:2108::/var/qmail/alias:/bin/true',
  'alice:x:1001:1001::/home/alice:/bin/sh',
  'bob:x:1002:1002::/home/bob:/bin/sh',
].join('\n') + '\n';

function world(): Fixture {
  return makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\nexample.com\n',
    '/var/qmail/control/rcpthosts': 'example.com\nexample.net\n',
    '/var/qmail/control/virtualdomains': 'example.net:alice\n',
    '/var/qmail/users/assign': '=sam:alice:1001:1001:/home/alice:::\n.\n',
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from('=sam:alice:1001:1001:/home/alice:::\n.\n')),
    '/var/qmail/alias/.qmail-postmaster': 'alice\n',
    '/var/qmail/alias/.qmail-default': './Mailbox\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/alice/.qmail-sales': './Sales/\n',
    '/home/bob/.qmail': './Maildir/\n',
    '/home/bob/.qmail-info': './Info/\n',
    '/home/bob/.qmail-default': './Rest/\n',
    ...maildir('/home/alice/Maildir', 1001, 1001),
    ...maildir('/home/alice/Sales', 1001, 1001),
    ...maildir('/home/bob/Maildir', 1002, 1002),
    ...maildir('/home/bob/Info', 1002, 1002),
    ...maildir('/home/bob/Rest', 1002, 1002),
  });
}

const NOW = new Date('2026-11-25T12:00:00Z');

function impact(fx: Fixture, edits: EditRequest[], extra: string[] = []) {
  const sr = fx.sysroot();
  const cs = stageEdits(edits, stageEnv(sr, ['/var/qmail']));
  assert.equal(cs.valid, true, JSON.stringify(cs.diagnostics));
  const [im] = previewImpact(sr, ['/var/qmail'], cs, extra, traceForImpact(['/var/qmail'], NOW));
  return im;
}

const edit = (path: string, content: string): EditRequest => ({ path, content: Buffer.from(content) });

test('adding a virtual domain changes exactly its addresses', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', 'example.net:alice\nexample.org:bob\n')]);
  // bob's .qmail-info and .qmail-default become reachable as info@ and anything@.
  assert.deepEqual(im.changed.map((c) => c.address).sort(), ['anything@example.org', 'info@example.org', 'postmaster@example.org', `${UNKNOWN_LOCAL}@example.org`].sort());
  const info = im.changed.find((c) => c.address === 'info@example.org')!;
  assert.deepEqual(info.before.map((d) => d.kind), ['remote']);
  assert.deepEqual(info.after, [{ kind: 'maildir', target: '/home/bob/Info/', hop: 0 }]);
  assert.equal(info.divergedAt?.stage, 'qmail-send');
  // Addresses of other domains were traced and did not change.
  assert.ok(im.traced > im.changed.length);
});

test('removing a virtual domain lists its users going remote', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', '')]);
  const addrs = im.changed.map((c) => c.address);
  assert.ok(addrs.includes('sales@example.net'));
  assert.ok(addrs.every((a) => a.endsWith('@example.net')), addrs.join(' '));
});

test('a users/assign entry and a new .qmail-EXT: only the addresses they reach change', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/users/assign', '=sam:alice:1001:1001:/home/alice:::\n=tom:bob:1002:1002:/home/bob:::\n.\n')]);
  // tom is reached at each local domain.
  assert.deepEqual(im.changed.map((c) => c.address).sort(), ['tom@example.com', 'tom@mail.example.com']);
  assert.equal(im.changed[0].after[0].target, '/home/bob/Maildir/');
  const q = impact(fx, [edit('/home/alice/.qmail-lists', '&list@example.org\n')]);
  // alice's file is reached as alice-lists@ and, through example.net:alice, as lists@example.net.
  assert.deepEqual(q.changed.map((c) => c.address).sort(), ['alice-lists@example.com', 'alice-lists@mail.example.com', 'lists@example.net']);
  assert.deepEqual(q.changed.find((c) => c.address === 'alice-lists@mail.example.com')!.after.map((d) => [d.kind, d.target]), [['forward', 'list@example.org'], ['remote', 'list@example.org']]);
});

test('queued recipients and --impact addresses are traced too', () => {
  const fx = world();
  writeQueue(fx.dir, '/var/qmail', [{ sender: 'x@example.net', recipients: [{ address: 'alice-gone@example.com', channel: 'local' }] }]);
  const im = impact(fx, [edit('/home/alice/.qmail-gone', './Gone/\n')], ['alice-gone@mail.example.com']);
  const addrs = im.changed.map((c) => `${c.channel ?? '-'} ${c.address}`).sort();
  assert.deepEqual(addrs, ['- alice-gone@example.com', '- alice-gone@mail.example.com', '- gone@example.net', 'local alice-gone@example.com']);
});

test('an unchanged file changes nothing; the overlay serves staged content without writing', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', 'example.net:alice\n')]);
  assert.deepEqual(im.changed, []);
  const sr = fx.sysroot();
  const cs = stageEdits([edit('/home/alice/.qmail-new', './New/\n')], stageEnv(sr, ['/var/qmail']));
  const over = overlayOf(sr, cs);
  assert.equal(over.readText('/home/alice/.qmail-new'), './New/\n');
  assert.ok(over.readdir('/home/alice')!.includes('.qmail-new'));
  assert.equal(over.stat('/home/alice/.qmail-new')?.uid, 1001);
  assert.equal(sr.read('/home/alice/.qmail-new'), null);
});

test('what the change touches is traced first, however large the configuration', () => {
  const many = Array.from({ length: 1500 }, (_, i) => `=u${i}:alice:1001:1001:/home/alice:::`).join('\n') + '\n';
  const fx = makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    '/var/qmail/users/assign': many + '.\n',
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(many + '.\n')),
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/.qmail': './Maildir/\n',
    ...maildir('/home/bob/Maildir', 1002, 1002),
  });
  const im = impact(fx, [edit('/var/qmail/users/assign', many + '=u1499x:bob:1002:1002:/home/bob:::\n.\n')]);
  assert.ok(im.skipped > 0, 'the set was capped');
  assert.deepEqual(im.changed.map((c) => c.address), ['u1499x@mail.example.com']);
});

test('a catch-all line is traced through a domain no file names', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', 'example.net:alice\n:bob\n')]);
  const addrs = im.changed.map((c) => c.address);
  assert.ok(addrs.includes(`postmaster@${UNLISTED_DOMAIN}`), addrs.join(' '));
  assert.ok(addrs.every((a) => a.endsWith(`@${UNLISTED_DOMAIN}`)), addrs.join(' '));
});

// ---------------------------------------------------------------------------
// Issue 14 point 4: the whole path, from qmail-smtpd's acceptance to the
// outcomes, compared on structured steps.

import { computeImpact, divergence, SELF_MX_BOUNCE, type TraceFn } from '../../source/edit/impact.js';
import { impactLines, impactHeadline } from '../../source/edit/report.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { cdbFiles } from '../helpers/vpopmail-host.js';
import { compileMoreRcptHostsCdb } from '../../source/qmail/assign.js';
import * as fs from 'node:fs';

const put = (fx: Fixture, p: string, content: string | Buffer) => fs.writeFileSync(fx.host(p), content);

const SMTPD_553 = "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)";

test('removing a domain from rcpthosts: qmail-smtpd now refuses every traced address at it from outside (553); local deliveries unchanged', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/rcpthosts', 'example.net\n')]);
  const at = im.changed.filter((c) => c.address.endsWith('@example.com'));
  // Its known addresses: postmaster, an unknown user, the users/assign entry, the passwd users, the alias user's files.
  for (const a of ['postmaster@example.com', `${UNKNOWN_LOCAL}@example.com`, 'sam@example.com', 'alice@example.com', 'bob@example.com']) {
    assert.ok(at.some((c) => c.address === a), `${a} in ${at.map((c) => c.address).join(' ')}`);
  }
  assert.equal(im.changed.length, at.length, 'nothing else changes');
  assert.equal(im.refusedFromOutside.count, at.length);
  assert.deepEqual(im.refusedFromOutside.domains, ['example.com']);
  assert.equal(im.deliverDifferently, 0);
  for (const c of at) {
    assert.deepEqual(c.outside, { before: 'accept', after: 'refuse' });
    assert.equal(c.deliveries, false);
    assert.deepEqual(c.divergedAt && [c.divergedAt.hop, c.divergedAt.stage, c.divergedAt.decision, c.divergedAt.before?.outcome, c.divergedAt.after?.outcome], [0, 'qmail-smtpd', 'rcpthosts', 'accept', 'refuse']);
  }
  const text = impactLines([im]).join('\n');
  assert.match(text, new RegExp(`qmail-smtpd now refuses ${at.length} from outside \\(553; every address at example\\.com\\)`));
  assert.ok(text.includes(`from outside: accepted → refused: ${SMTPD_553}`), text);
  assert.match(impactHeadline([im]), new RegExp(`^Impact: ${at.length} of ${im.traced} traced addresses change: qmail-smtpd refuses ${at.length} from outside \\(553: example\\.com\\)$`));
});

test('removing a domain from locals while rcpthosts keeps it: qmail-send sends it remote and qmail-remote bounces it as its own MX (#5.4.6)', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/locals', 'mail.example.com\n')]);
  const alice = im.changed.find((c) => c.address === 'alice@example.com')!;
  assert.ok(alice, im.changed.map((c) => c.address).join(' '));
  assert.deepEqual(alice.after.map((d) => [d.kind, d.target]), [['remote', 'alice@example.com']]);
  assert.deepEqual(alice.selfMx, ['alice@example.com']);
  assert.deepEqual(alice.outside, { before: 'accept', after: 'accept' });
  assert.deepEqual([alice.divergedAt?.stage, alice.divergedAt?.decision, alice.divergedAt?.before?.outcome, alice.divergedAt?.after?.outcome], ['qmail-send', 'route', 'local', 'remote']);
  assert.equal(im.selfMx, im.changed.filter((c) => c.address.endsWith('@example.com')).length);
  const text = impactLines([im]).join('\n');
  assert.ok(
    text.includes(
      "    ! qmail-smtpd still takes it from outside, and while the MX of example.com names this host, qmail-remote bounces: Sorry. Although I'm listed as a best-preference MX or A for that host,\n" +
        "      it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)\n",
    ),
    text,
  );
  // qmail-remote.c perm_ambigmx, byte for byte.
  assert.equal(SELF_MX_BOUNCE, "Sorry. Although I'm listed as a best-preference MX or A for that host,\nit isn't in my control/locals file, so I don't treat it as local. (#5.4.6)");
  // A route in smtproutes disables the check: no self-MX bounce is predicted then.
  const routed = impact(fx, [edit('/var/qmail/control/locals', 'mail.example.com\n'), edit('/var/qmail/control/smtproutes', 'example.com:10.0.0.5\n')]);
  assert.deepEqual(routed.changed.find((c) => c.address === 'alice@example.com')!.selfMx, []);
});

test('removing a domain from locals and rcpthosts: refused from outside, and sent to its MX from here', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/locals', 'mail.example.com\n'), edit('/var/qmail/control/rcpthosts', 'example.net\n')]);
  const bob = im.changed.find((c) => c.address === 'bob@example.com')!;
  assert.deepEqual(bob.outside, { before: 'accept', after: 'refuse' });
  assert.equal(bob.deliveries, true);
  assert.deepEqual(bob.selfMx, ['bob@example.com']);
  // The first point where the walks part is qmail-smtpd's answer, before routing.
  assert.equal(bob.divergedAt?.decision, 'rcpthosts');
  assert.ok(im.refusedFromOutside.count >= 5 && im.selfMx >= 5);
});

test('removing a virtual domain kept in rcpthosts: its users go to qmail-remote, which bounces them as its own MX', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', '')]);
  const sales = im.changed.find((c) => c.address === 'sales@example.net')!;
  assert.deepEqual(sales.before.map((d) => d.target), ['/home/alice/Sales/']);
  assert.deepEqual(sales.selfMx, ['sales@example.net']);
  assert.equal(sales.divergedAt?.decision, 'route');
});

test('morercpthosts: a domain removed from it is refused; one moved from rcpthosts to it takes another way to the same answer', () => {
  const fx = world();
  put(fx, '/var/qmail/control/morercpthosts', 'example.org\n');
  put(fx, '/var/qmail/control/morercpthosts.cdb', compileMoreRcptHostsCdb(Buffer.from('example.org\n')));
  const removed = impact(fx, [edit('/var/qmail/control/morercpthosts', '')]);
  assert.deepEqual(removed.refusedFromOutside.domains, ['example.org']);
  assert.ok(removed.changed.some((c) => c.address === 'postmaster@example.org' && c.outside.after === 'refuse'));
  // Moved: the walk now cites morercpthosts.cdb (compiled in the staged change); the answer is the same.
  const moved = impact(fx, [edit('/var/qmail/control/rcpthosts', 'example.net\n'), edit('/var/qmail/control/morercpthosts', 'example.org\nexample.com\n')]);
  assert.equal(moved.refusedFromOutside.count, 0);
  const pm = moved.changed.find((c) => c.address === 'postmaster@example.com')!;
  assert.deepEqual(pm.outside, { before: 'accept', after: 'accept' });
  assert.deepEqual([pm.divergedAt?.before?.path, pm.divergedAt?.after?.path], ['/var/qmail/control/rcpthosts', '/var/qmail/control/morercpthosts.cdb']);
  assert.match(impactLines([moved])[0], /take another way to the same outcome/);
});

test('adding a domain to rcpthosts that this host does not deliver: qmail-smtpd now takes it from outside (to relay it)', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/rcpthosts', 'example.com\nexample.net\nrelay.example\n')]);
  assert.deepEqual(im.acceptedFromOutside.domains, ['relay.example']);
  const pm = im.changed.find((c) => c.address === 'postmaster@relay.example')!;
  assert.deepEqual(pm.after.map((d) => d.kind), ['remote']);
});

test('a .suffix line of rcpthosts covers the domains under it', () => {
  const fx = world();
  put(fx, '/var/qmail/control/rcpthosts', '.example.com\nexample.com\nexample.net\n');
  const im = impact(fx, [edit('/var/qmail/control/rcpthosts', 'example.com\nexample.net\n')]);
  assert.ok(im.changed.some((c) => c.address === 'postmaster@mail.example.com' && c.outside.after === 'refuse'), im.changed.map((c) => c.address).join(' '));
  assert.ok(!im.changed.some((c) => c.address.endsWith('@example.com')), 'example.com keeps its own line');
});

test('walks are compared on structured steps: new words, or lines moved within a file, change nothing', () => {
  const fx = world();
  // The same domains in another order: every line number moves.
  const reordered = impact(fx, [edit('/var/qmail/control/locals', 'example.com\nmail.example.com\n'), edit('/var/qmail/control/rcpthosts', 'example.net\nexample.com\n')]);
  assert.deepEqual(reordered.changed, []);
  // Every step of the walk after the change reworded: still no change.
  const sr = fx.sysroot();
  const inst = loadInstallation(sr, '/var/qmail');
  const real = traceForImpact(['/var/qmail'], NOW);
  let calls = 0;
  const reworded: TraceFn = (i, a, o) => {
    const r = real(i, a, o);
    if (calls++ % 2 === 1) for (const h of r.hops) for (const s of h.steps) s.text = `reworded: ${s.text.length}`;
    return r;
  };
  const addrs = ['alice@example.com', 'sales@example.net', `${UNKNOWN_LOCAL}@example.com`, 'postmaster@mail.example.com'].map((address) => ({ address, why: 'test' }));
  assert.deepEqual(computeImpact(inst, inst, addrs, reworded).changed, []);
  // And a real change is found whatever the words.
  const before = real(inst, 'alice@example.com', {});
  const after = real(inst, 'alice@example.com', {});
  after.hops[0].steps.find((s) => s.decision === 'rcpthosts')!.outcome = 'refuse';
  assert.deepEqual(divergence(before, after) && [divergence(before, after)!.stage, divergence(before, after)!.decision], ['qmail-smtpd', 'rcpthosts']);
});

test('a vpopmail domain: removing it from rcpthosts traces its vpasswd users; a .qmail created in its directory is traced as the address a user writes', () => {
  const fx = makeFixture({
    ...cdbFiles({ domains: [{ name: 'example.com', catchAll: 'bounce-no-mailbox' }], users: [{ name: 'info', domain: 'example.com' }, { name: 'joe', domain: 'example.com' }] }),
    '/var/qmail/control/rcpthosts': 'mail.isp.net\nexample.com\n',
  });
  const im = impact(fx, [edit('/var/qmail/control/rcpthosts', 'mail.isp.net\n')]);
  const refused = im.changed.filter((c) => c.outside.after === 'refuse').map((c) => c.address).sort();
  // vpasswd's users, postmaster, an unknown user, the .qmail-default (anything@) and the users/assign wildcard (x@).
  assert.deepEqual(refused, ['anything@example.com', 'info@example.com', 'joe@example.com', 'postmaster@example.com', `${UNKNOWN_LOCAL}@example.com`, 'x@example.com']);
  assert.equal(im.changed.find((c) => c.address === 'joe@example.com')?.why, 'vpopmail user at example.com (control/rcpthosts changes)');
  const created = impact(fx, [edit('/home/vpopmail/domains/example.com/.qmail-sales', '&sales@example.org\n')]);
  const sales = created.changed.find((c) => c.address === 'sales@example.com');
  assert.ok(sales, created.changed.map((c) => c.address).join(' '));
  assert.deepEqual(sales.after.map((d) => [d.kind, d.target]), [['forward', 'sales@example.org'], ['remote', 'sales@example.org']]);
  // The internal form reaches it too (mail.isp.net is local, users/assign's +example.com- takes the local part): traced, and said.
  assert.ok(created.changed.some((c) => c.address === 'example.com-sales@mail.isp.net'));
});

// qmail-local.c maildir(): a maildir that is not there defers (exit 111), so a
// .qmail-EXT naming one makes its address defer, not deliver (issue 14 point 1).
test('a new .qmail-EXT naming a maildir that does not exist: the preview shows the defer, not a delivery', () => {
  const fx = world();
  const im = impact(fx, [edit('/home/bob/.qmail-news', './News/\n')]);
  const c = im.changed.find((x) => x.address === 'bob-news@mail.example.com');
  assert.ok(c, im.changed.map((x) => x.address).join(' '));
  assert.deepEqual(c.after.map((d) => [d.kind, d.target]), [['defer', 'Unable to chdir to maildir. (#4.2.1)']]);
});
