import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { domainMatrix, virtualFor, managerOfDotQmail, type DomainRow } from '../../source/qmail/domains.js';
import { compileMoreRcptHostsCdb, compileUsersCdb } from '../../source/qmail/assign.js';
import { colonMap } from '../../source/qmail/control-readers.js';

const C = '/var/qmail/control';

function matrix(files: Record<string, string | Buffer>) {
  const fx = makeFixture(files);
  const sr = fx.sysroot();
  const inst = loadInstallation(sr, '/var/qmail');
  return domainMatrix(inst, systemUsersOf(sr));
}

function rowsOf(m: ReturnType<typeof matrix>): Map<string, DomainRow> {
  return new Map(m.domains.map((r) => [r.domain, r]));
}

const MAIN: Record<string, string | Buffer> = {
  '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\n',
  [`${C}/me`]: 'mail.example.com\n',
  [`${C}/locals`]: 'example.com\nBoth.Example\n',
  [`${C}/rcpthosts`]: 'example.com\n.example.org\nvd.example\nboth.example\n',
  [`${C}/morercpthosts`]: 'more.example\nnotcompiled.example\norphan.example\n',
  [`${C}/morercpthosts.cdb`]: compileMoreRcptHostsCdb('more.example\n'),
  [`${C}/virtualdomains`]:
    'vd.example:vd-prep\n.example.org:wild\nboth.example:x\njoe@users.example:joeprep\n:catchall\nexc.example:\nNotAccepted.Example:na\nnotcompiled.example:nc\n',
};

test('one row per domain named in locals, rcpthosts, morercpthosts.cdb, virtualdomains; lower-cased; catch-all last', () => {
  const m = matrix(MAIN);
  assert.equal(m.instance, '/var/qmail');
  assert.deepEqual(m.domains.map((r) => r.domain), [
    '.example.org',
    'both.example',
    'example.com',
    'exc.example',
    'more.example',
    'notaccepted.example',
    'notcompiled.example',
    'vd.example',
    '',
  ]);
});

test('user@domain keys are listed under their domain row, never as rows', () => {
  const m = matrix({ ...MAIN, [`${C}/virtualdomains`]: 'vd.example:vd\nJoe@VD.example:joe\nann@nowhere.example:ann\n' });
  const r = rowsOf(m);
  assert.deepEqual(r.get('vd.example')!.users, [{ address: 'Joe@VD.example', prepend: 'joe', line: 2 }]);
  assert.equal(r.get('nowhere.example'), undefined);
  assert.deepEqual(m.users, [{ address: 'ann@nowhere.example', prepend: 'ann', line: 3 }]);
  const shadowed = rowsOf(matrix({ ...MAIN, [`${C}/virtualdomains`]: 'joe@example.com:joe\n' })).get('example.com')!;
  assert.deepEqual(shadowed.diagnostics.map((d) => [d.code, d.line]), [['locals-shadows-virtual', 1]]);
});

test('locals, virtual, rcpthosts, morercpthosts per the rulings', () => {
  const r = rowsOf(matrix(MAIN));
  const pick = (d: string) => {
    const x = r.get(d)!;
    return [x.locals, x.virtual, x.rcpthosts, x.morercpthosts, x.delivery];
  };
  assert.deepEqual(pick('example.com'), [true, 'catchall', true, false, 'local']);
  assert.deepEqual(pick('both.example'), [true, 'x', true, false, 'local']);
  assert.deepEqual(pick('vd.example'), [false, 'vd-prep', true, false, 'virtual']);
  assert.deepEqual(pick('.example.org'), [false, 'wild', true, false, 'virtual']);
  assert.deepEqual(pick('exc.example'), [false, '', false, false, 'remote']);
  assert.deepEqual(pick('more.example'), [false, 'catchall', true, true, 'virtual']);
  assert.deepEqual(pick(''), [false, 'catchall', false, false, 'virtual']);
  assert.equal(r.get('users.example'), undefined);
  assert.equal(r.get('vd.example')!.evidence.virtual!.line, 1);
  assert.equal(r.get('example.com')!.evidence.rcpthosts!.line, 1);
});

test('problems: locals shadows an exact line (not the catch-all); virtual but not accepted; morercpthosts not compiled', () => {
  const m = matrix(MAIN);
  const r = rowsOf(m);
  assert.deepEqual(r.get('example.com')!.problems, []);
  assert.deepEqual(r.get('both.example')!.diagnostics.map((d) => [d.code, d.path, d.line]), [['locals-shadows-virtual', `${C}/virtualdomains`, 3]]);
  assert.deepEqual(r.get('notaccepted.example')!.diagnostics.map((d) => [d.code, d.severity, d.line]), [['not-in-rcpthosts', 'error', 7]]);
  assert.deepEqual(r.get('notcompiled.example')!.diagnostics.map((d) => d.code), ['not-in-rcpthosts', 'morercpthosts-not-compiled']);
  assert.deepEqual(r.get('')!.problems, []);
  assert.deepEqual(m.problems.map((d) => [d.code, d.line]), [['morercpthosts-not-compiled', 3]]);
  assert.equal(r.get('exc.example')!.problems.length, 0);
});

test('no locals file: me is local, implicit', () => {
  const r = rowsOf(matrix({ [`${C}/me`]: 'Mail.Example.COM\n', [`${C}/rcpthosts`]: 'mail.example.com\n' }));
  const me = r.get('mail.example.com')!;
  assert.equal(me.locals, true);
  assert.equal(me.implicit, true);
  assert.equal(me.evidence.locals!.path, `${C}/me`);
});

test('no rcpthosts file: every domain accepted, and that is a problem', () => {
  const m = matrix({ [`${C}/me`]: 'm.example\n', [`${C}/locals`]: 'm.example\n' });
  assert.equal(m.domains[0].rcpthosts, true);
  assert.equal(m.domains[0].morercpthosts, false);
  assert.match(m.domains[0].problems[0], /open relay/);
  assert.deepEqual(m.problems.map((p) => [p.code, p.severity]), [['rcpthosts-missing', 'error']]);
});

test('rcpthosts .suffix accepts a.example.org, not example.org; morercpthosts.cdb .suffix too', () => {
  const r = rowsOf(
    matrix({
      [`${C}/me`]: 'm\n',
      [`${C}/rcpthosts`]: '.example.org\n',
      [`${C}/morercpthosts.cdb`]: compileMoreRcptHostsCdb('.more.example\n'),
      [`${C}/virtualdomains`]: 'a.example.org:a\nexample.org:b\nx.more.example:c\n',
    }),
  );
  assert.equal(r.get('a.example.org')!.rcpthosts, true);
  assert.equal(r.get('example.org')!.rcpthosts, false);
  assert.equal(r.get('x.more.example')!.morercpthosts, true);
  assert.equal(r.get('x.more.example')!.rcpthosts, true);
});

test('virtualFor: exact, then the longest .suffix, then the catch-all', () => {
  const { map } = colonMap([
    { text: '.example.org:short', line: 1 },
    { text: '.b.example.org:long', line: 2 },
    { text: ':all', line: 3 },
    { text: 'x.b.example.org:exact', line: 4 },
  ]);
  assert.equal(virtualFor(map, 'a.b.example.org')!.value, 'long');
  assert.equal(virtualFor(map, 'A.B.Example.ORG')!.value, 'long');
  assert.equal(virtualFor(map, 'x.b.example.org')!.value, 'exact');
  assert.equal(virtualFor(map, 'c.example.org')!.value, 'short');
  assert.equal(virtualFor(map, 'example.org')!.value, 'all');
});

test('manager: vpopmail when the target home .qmail-default calls vdelivermail, vmailmgr for vdeliver', () => {
  const assign = '+vp.example-:vp.example:89:89:/home/vpopmail/domains/vp.example:-::\n.\n';
  const r = rowsOf(
    matrix({
      '/etc/passwd': 'vmuser:x:1500:1500::/home/vmuser:/bin/false\nalias:x:7790:2108::/var/qmail/alias:/bin/false\n',
      [`${C}/me`]: 'm\n',
      [`${C}/rcpthosts`]: 'vp.example\nvm.example\nplain.example\n',
      [`${C}/virtualdomains`]: 'vp.example:vp.example\nvm.example:vmuser\nplain.example:alias\n',
      '/var/qmail/users/assign': assign,
      '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)),
      '/home/vpopmail/domains/vp.example/.qmail-default': "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n",
      '/home/vmuser/.qmail-default': '|/usr/local/bin/vdeliver\n',
      '/var/qmail/alias/.qmail-default': './Maildir/\n',
    }),
  );
  assert.equal(r.get('vp.example')!.manager, 'vpopmail');
  assert.equal(r.get('vm.example')!.manager, 'vmailmgr');
  assert.equal(r.get('plain.example')!.manager, null);
});

test('managerOfDotQmail looks only at program lines', () => {
  assert.equal(managerOfDotQmail("# vdelivermail\n|/home/vpopmail/bin/vdelivermail '' delete\n"), 'vpopmail');
  assert.equal(managerOfDotQmail('| vdeliver\n'), 'vmailmgr');
  assert.equal(managerOfDotQmail('# |vdeliver\n./Maildir/\n'), null);
});
