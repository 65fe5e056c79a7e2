import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { CONTROL_FILES, controlTable, effectiveValue, effectiveInt, unknownControlFiles, whitespaceWarnings } from '../../source/qmail/control.js';

const C = '/var/qmail/control';
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('§1.3: me is the first line, trailing blanks stripped, case kept', () => {
  const fx = makeFixture({ [`${C}/me`]: 'Mail.Example.com  \nsecond\n' });
  assert.equal(loadInstallation(fx.sysroot(), '/var/qmail').me(), 'Mail.Example.com');
});

test('§1.3: an empty envnoathost is the empty string, not me', () => {
  const v = effectiveValue('envnoathost', b(''), 'mail.example.com', `${C}/envnoathost`);
  assert.equal(v.value, '');
  assert.equal(v.source, 'file');
});

test('§1.3: a blank first line of me gives "", and locals falls back to [""]', () => {
  const fx = makeFixture({ [`${C}/me`]: '\nmail.example.com\n' });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  assert.equal(inst.me(), '');
  assert.deepEqual(inst.list('locals').lines, [{ text: '', line: 1 }]);
  assert.equal(inst.list('locals').source, 'me');
});

test('§1.3: no me and no locals: locals absent (qmail-send will not start); check says so', async () => {
  const fx = makeFixture({ [`${C}/rcpthosts`]: 'x\n' });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  assert.equal(inst.me(), null);
  assert.equal(inst.list('locals').source, 'absent');
  const { lintInstallations } = await import('../../source/qmail/lint.js');
  const { systemUsersOf } = await import('../../source/qmail/installation.js');
  const d = lintInstallations([inst], systemUsersOf(inst.sysroot)).find((x) => x.code === 'me-missing');
  assert.equal(d?.severity, 'error');
  assert.match(d!.message, /refuses to start/);
});

test('§1.3: no me, locals present and empty: nothing local; envnoathost is the literal', () => {
  const fx = makeFixture({ [`${C}/locals`]: '' });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  assert.equal(inst.list('locals').present, true);
  assert.deepEqual(inst.list('locals').lines, []);
  assert.deepEqual(inst.control('envnoathost'), { name: 'envnoathost', value: 'envnoathost', source: 'default', path: `${C}/envnoathost`, line: null });
  assert.equal(inst.control('smtpgreeting').source, 'absent');
});

test('§1.3: "#only comment" me is not comment-filtered in the locals fallback', () => {
  const fx = makeFixture({ [`${C}/me`]: '#only comment\n' });
  assert.deepEqual(loadInstallation(fx.sysroot(), '/var/qmail').list('locals').lines.map((l) => l.text), ['#only comment']);
});

test('§1.3: list lines keep leading blanks (" #x" is not a comment), last line without \\n used', () => {
  const fx = makeFixture({ [`${C}/me`]: 'm\n', [`${C}/locals`]: 'a.example\n #x\nb.example' });
  assert.deepEqual(loadInstallation(fx.sysroot(), '/var/qmail').list('locals').lines, [
    { text: 'a.example', line: 1 },
    { text: ' #x', line: 2 },
    { text: 'b.example', line: 3 },
  ]);
});

test('§1.3: virtualdomains "x.example:  " is an exception (empty value); CR stays in the prepend; last duplicate wins', () => {
  const fx = makeFixture({
    [`${C}/me`]: 'm\n',
    [`${C}/virtualdomains`]: 'x.example:  \ncrlf.example:joe\r\nDup.example:first\ndup.example:second\nnocolon\nsp.example : x\n',
  });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const vd = inst.virtualdomains();
  assert.equal(vd.map.get('x.example')!.value, '');
  assert.equal(vd.map.get('crlf.example')!.value, 'joe\r');
  assert.equal(vd.map.get('dup.example')!.value, 'second');
  assert.equal(vd.map.get('dup.example')!.line, 4);
  assert.equal(vd.map.get('sp.example ')!.value, ' x');
  assert.deepEqual(vd.ignored.map((l) => l.line), [5]);
  assert.ok(inst.diagnostics().some((d) => d.code === 'map-no-colon' && d.line === 5 && d.path === `${C}/virtualdomains`));
});

test('§1.3: concurrencylocal "12abc" / " 5" / "300" give 12 / 10 / 120', () => {
  assert.equal(effectiveInt('concurrencylocal', b('12abc'), 120, 'p').value, 12);
  assert.equal(effectiveInt('concurrencylocal', b(' 5'), 120, 'p').value, 10);
  assert.equal(effectiveInt('concurrencylocal', b(' 5'), 120, 'p').source, 'default');
  assert.equal(effectiveInt('concurrencylocal', b('300'), 120, 'p').value, 120);
  assert.equal(effectiveInt('concurrencyremote', null, 120, 'p').value, 20);
  assert.equal(effectiveInt('queuelifetime', b('# 30'), 120, 'p').value, 604800);
  assert.equal(effectiveInt('timeoutconnect', null, 120, 'p').value, 60);
});

test('§1.2 fallback chain: B files with and without flagme', () => {
  const cases: Array<[string, string | null, string, string]> = [
    ['bouncefrom', 'm.example', 'MAILER-DAEMON', 'default'],
    ['doublebounceto', 'm.example', 'postmaster', 'default'],
    ['bouncehost', 'm.example', 'm.example', 'me'],
    ['bouncehost', null, 'bouncehost', 'default'],
    ['defaulthost', 'm.example', 'm.example', 'me'],
    ['idhost', null, 'idhost', 'default'],
    ['helohost', 'm.example', 'm.example', 'me'],
  ];
  for (const [name, me, value, source] of cases) {
    const v = effectiveValue(name, null, me, `${C}/${name}`);
    assert.equal(v.value, value, name);
    assert.equal(v.source, source, name);
  }
  assert.equal(effectiveValue('helohost', null, null, 'p').source, 'absent');
  assert.equal(effectiveValue('doublebounceto', b(''), 'm', 'p').value, '');
});

test('showctl table: one row per control file with reader, program and when', () => {
  const files: Record<string, string> = { me: 'm.example\n', locals: 'a\nb\n', concurrencylocal: 'x' };
  const rows = controlTable(C, (n) => (n in files ? b(files[n]) : null), 120);
  assert.equal(rows.length, CONTROL_FILES.length);
  const by = new Map(rows.map((r) => [r.name, r]));
  assert.equal(by.get('me')!.value, 'm.example');
  assert.equal(by.get('locals')!.value, '2 lines');
  assert.equal(by.get('locals')!.when, 'start and HUP');
  assert.equal(by.get('concurrencylocal')!.value, '10');
  assert.match(by.get('concurrencylocal')!.note!, /default is kept/);
  assert.equal(by.get('rcpthosts')!.source, 'absent');
  assert.match(by.get('rcpthosts')!.note!, /open relay/);
  assert.equal(by.get('envnoathost')!.source, 'me');
  assert.equal(by.get('smtpgreeting')!.program, 'qmail-smtpd');
});

test('unknown control files are flagged like qmail-showctl; near misses get a hint; conventions named', () => {
  const d = unknownControlFiles(C, ['me', 'rcpthost', 'defaultdelivery', 'frobnicate', 'servercert.pem']);
  const by = new Map(d.map((x) => [x.path, x]));
  assert.equal(d.length, 4);
  assert.match(by.get(`${C}/rcpthost`)!.message, /I have no idea what this file does.*did you mean control\/rcpthosts/);
  assert.equal(by.get(`${C}/rcpthost`)!.severity, 'warning');
  assert.equal(by.get(`${C}/defaultdelivery`)!.severity, 'info');
  assert.match(by.get(`${C}/defaultdelivery`)!.message, /qmail-start/);
  assert.equal(by.get(`${C}/frobnicate`)!.code, 'control-unknown');
  assert.equal(by.get(`${C}/servercert.pem`)!.code, 'control-convention');
});

test('whitespace qmail keeps: CR, blank before CR, leading blank, blanks at the colon, # in a single-line file', () => {
  const w = (name: string, text: string) => whitespaceWarnings(name, b(text), `${C}/${name}`).map((d) => [d.line, d.code]);
  assert.deepEqual(w('me', 'mail.example.com\r\n'), [[1, 'control-cr']]);
  assert.deepEqual(w('helohost', 'mail.example.com \r\n'), [[1, 'control-cr'], [1, 'control-trailing-blank']]);
  assert.deepEqual(w('me', 'mail.example.com   \n'), []);
  assert.deepEqual(w('locals', 'a.example\r\nb.example \r\nok.example   \n'), [
    [1, 'control-cr'],
    [2, 'control-cr'],
    [2, 'control-trailing-blank'],
  ]);
  assert.deepEqual(w('rcpthosts', ' #x\n'), [[1, 'control-leading-blank']]);
  assert.deepEqual(w('virtualdomains', 'sp.example : x\nok.example:ok\n'), [[1, 'control-colon-blank']]);
  assert.deepEqual(w('defaulthost', '# the host\nreal\n'), [
    [1, 'control-comment'],
    [2, 'control-extra-lines'],
  ]);
  assert.deepEqual(w('bouncefrom', ''), [[null, 'control-empty']]);
  assert.deepEqual(w('morercpthosts.cdb', 'x\r\n'), []);
});

test('check reports control whitespace through the installation (file:line)', async () => {
  const fx = makeFixture({ '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\n', '/var/qmail/alias/.qmail-postmaster': '&root\n', [`${C}/me`]: 'm.example\r\n', [`${C}/rcpthosts`]: 'm.example\n' });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const d = inst.controlDiagnostics();
  assert.deepEqual(d.map((x) => [x.path, x.line, x.code]), [[`${C}/me`, 1, 'control-cr']]);
});

test('a NUL inside a list line splits it into entries, as control_readfile + constmap do', async () => {
  const { readListLines, colonMap } = await import('../../source/qmail/control-readers.js');
  const lines = readListLines(Buffer.from('a.example\0b.example\nx.example:joe\0rest\n', 'latin1'))!;
  assert.deepEqual(lines.map((l) => [l.text, l.line]), [['a.example', 1], ['b.example', 1], ['x.example:joe', 2], ['rest', 2]]);
  assert.equal(colonMap(lines).map.get('x.example')!.value, 'joe');
});
