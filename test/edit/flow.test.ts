import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { makeFixture } from '../helpers/fixture.js';
import { maildir } from '../trace/baseline.js';
import { flowKey, openMenu, type FlowState } from '../../source/ui/edit/flow.js';
import { flowLines, CONFIRM_PROMPT } from '../../source/ui/edit/flow-lines.js';
import { runEffect, type EditFlowEnv } from '../../source/ui/edit/use-edit-flow.js';
import { editTargetOf } from '../../source/ui/edit/target.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { SysrootWriter } from '../../source/sysroot/write.js';

function world() {
  return makeFixture({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    '/var/qmail/control/rcpthosts': 'mail.example.com\n',
    '/var/qmail/control/virtualdomains': 'example.net:alice\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/.qmail-info': './Info/\n',
    ...maildir('/home/alice/Maildir', 1001, 1001),
    ...maildir('/home/alice/Lists', 1001, 1001),
    ...maildir('/home/bob/Info', 1002, 1002),
  });
}

function env(dir: string, log: string[]): EditFlowEnv {
  return { sysrootDir: dir, instances: ['/var/qmail'], instance: null, onApplied: () => log.push('applied'), onClose: (s) => log.push(`close ${s}`), openWriter: () => new SysrootWriter(new Sysroot(dir)) };
}

/** Type keys into the flow, carrying out effects, as the app does. */
function drive(start: FlowState, keys: Array<string | { [k: string]: boolean }>, e: EditFlowEnv): FlowState | null {
  let s: FlowState | null = start;
  for (const k of keys) {
    if (!s) break;
    const [input, key] = typeof k === 'string' ? [k, {}] : ['', k];
    const r = flowKey(s, input, key);
    s = runEffect(r.state ?? s, r.effect, e);
  }
  return s;
}

const TAB = { tab: true };
const ENTER = { return: true };

test('quick form → confirm screen with diff, owner, impact and the y question; Enter cancels, nothing written', () => {
  const fx = world();
  const log: string[] = [];
  const s = drive(openMenu(null), ['a', ...'example.org', TAB, ...'bob', ENTER], env(fx.dir, log));
  assert.equal(s?.step, 'confirm');
  const text = flowLines(s!, 100, 40).map((l) => l.text).join('\n');
  assert.match(text, /^\+example\.org:bob$/m);
  assert.match(text, /\/var\/qmail\/control\/virtualdomains {2}owner 0:0 mode 0644 kept/);
  assert.match(text, /\/var\/qmail\/control\/rcpthosts/);
  assert.match(text, /info@example\.org: now accepted from outside; remote info@example\.org → maildir \/home\/bob\/Info\//);
  assert.match(text, /kill -HUP <pid of the qmail-send started for \/var\/qmail>/);
  assert.equal(flowLines(s!, 100, 40).at(-1)!.text, CONFIRM_PROMPT);
  const after = drive(s!, [ENTER], env(fx.dir, log));
  assert.equal(after, null);
  assert.deepEqual(log, ['close cancelled: nothing written']);
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/virtualdomains'), 'utf8'), 'example.net:alice\n');
  assert.equal(fs.existsSync(fx.host('/var/backups')), false);
});

test('y applies both files as one journal entry and lists what is left to do', () => {
  const fx = world();
  const log: string[] = [];
  const s = drive(openMenu(null), ['a', ...'example.org', TAB, ...'bob', ENTER, 'y'], env(fx.dir, log));
  assert.equal(s?.step, 'done');
  const text = flowLines(s!, 120, 30).map((l) => l.text).join('\n');
  assert.match(text, /Applied/);
  assert.match(text, /backup: \/var\/backups\/qlens\/\d{8}T\d{6}Z-1/);
  assert.match(text, /\$ kill -HUP/);
  assert.deepEqual(log, ['applied']);
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/virtualdomains'), 'utf8'), 'example.net:alice\nexample.org:bob\n');
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'mail.example.com\nexample.org\n');
  assert.equal(fs.readdirSync(fx.host('/var/backups/qlens')).length, 1);
});

test('a form error keeps the form; Esc cancels; the confirm screen fits a short body', () => {
  const fx = world();
  const log: string[] = [];
  const s = drive(openMenu('/var/qmail/control/locals'), [{ downArrow: true }, ENTER, ...'bad domain', TAB, ...'bob', ENTER], env(fx.dir, log));
  assert.equal(s?.step, 'form');
  assert.match(flowLines(s!, 80, 20).map((l) => l.text).join('\n'), /✗ "bad domain" is not a domain name/);
  assert.equal(drive(s!, [{ escape: true }], env(fx.dir, log)), null);
  const c = drive(openMenu(null), ['a', ...'example.org', TAB, ...'bob', ENTER], env(fx.dir, log))!;
  const short = flowLines(c, 60, 8);
  assert.equal(short.length, 8);
  assert.equal(short.at(-1)!.text, CONFIRM_PROMPT);
  assert.ok(short.some((l) => l.text.includes('more')), 'says what was cut');
  assert.ok(short.every((l) => l.text.length <= 60));
});

test('the menu offers the selected file first; e is where the target comes from', () => {
  const m = openMenu('/var/qmail/control/locals');
  assert.equal(m.step === 'menu' && m.items[0].key, 'e');
  assert.deepEqual(editTargetOf({ k: 'file', path: '/var/qmail/control/me' }, null), { file: '/var/qmail/control/me', prefill: {} });
  assert.deepEqual(editTargetOf(null, { text: 'x', jump: { path: '/home/a/.qmail', line: 1 } }), { file: '/home/a/.qmail', prefill: {} });
  assert.deepEqual(editTargetOf(null, { domain: 'x.example', cells: [] }), { file: null, prefill: { domain: 'x.example' } });
  // A domain row pre-fills the quick forms.
  const r = drive(openMenu(null, { domain: 'x.example' }), ['d'], env('/nonexistent', []));
  assert.equal(r?.step === 'form' && r.fields[0].value, 'x.example');
});

test('a new .qmail-EXT from the form: owner named, new file, the addresses it makes deliverable', () => {
  const fx = world();
  const s = drive(openMenu(null), ['x', ...'/home/alice', TAB, ...'lists', TAB, ...'./Lists/', ENTER], env(fx.dir, []));
  assert.equal(s?.step, 'confirm');
  const text = flowLines(s!, 120, 40).map((l) => l.text).join('\n');
  assert.match(text, /\/home\/alice\/\.qmail-lists {2}owner alice 1001:1001 mode 0644 \(new file\)/);
  assert.match(text, /alice-lists@mail\.example\.com: bounce .* → maildir \/home\/alice\/Lists\//);
});

test('several edits staged with Ctrl-S are confirmed and applied together, the later one seeing the earlier', () => {
  const fx = world();
  const log: string[] = [];
  const CTRL_S = { ctrl: true };
  let s: FlowState | null = openMenu(null);
  // Stage one domain, then another (the second form reads virtualdomains as staged).
  s = drive(s, ['a', ...'example.org', TAB, ...'bob'], env(fx.dir, log));
  let r = flowKey(s!, 's', CTRL_S);
  s = runEffect(r.state ?? s!, r.effect, env(fx.dir, log));
  assert.equal(s?.step, 'menu');
  assert.match(flowLines(s!, 100, 20).map((l) => l.text).join('\n'), /Staged, to be applied together: add example\.org → bob/);
  s = drive(s!, ['a', ...'example.com', TAB, ...'alice', ENTER], env(fx.dir, log));
  assert.equal(s?.step, 'confirm');
  const text = flowLines(s!, 120, 40).map((l) => l.text).join('\n');
  assert.match(text, /^\+example\.org:bob$/m);
  assert.match(text, /^\+example\.com:alice$/m);
  s = drive(s!, ['y'], env(fx.dir, log));
  assert.equal(s?.step, 'done');
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/virtualdomains'), 'utf8'), 'example.net:alice\nexample.org:bob\nexample.com:alice\n');
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'mail.example.com\nexample.org\nexample.com\n');
  assert.equal(fs.readdirSync(fx.host('/var/backups/qlens')).length, 1, 'one journal entry');
  // The menu offers the staged set for confirmation, and Esc drops it.
  const m = drive(openMenu(null), ['a', ...'x.example', TAB, ...'bob'], env(fx.dir, log))!;
  r = flowKey(m, 's', CTRL_S);
  const menu = runEffect(r.state ?? m, r.effect, env(fx.dir, log))!;
  assert.equal(menu.step === 'menu' && menu.items[0].key, 'c');
  assert.equal(drive(menu, [{ escape: true }], env(fx.dir, log)), null);
  assert.match(log.at(-1)!, /staged edits are dropped/);
});

test('the forms refuse what cannot be meant, on the form itself (issue 14 point 5)', () => {
  const fx = world();
  // A locals domain pre-filled from its Domains row, offered to "Remove a virtual domain".
  const d = drive(openMenu(null, { domain: 'mail.example.com' }), ['d', ENTER], env(fx.dir, []));
  assert.equal(d?.step, 'form');
  const text = flowLines(d!, 100, 20).map((l) => l.text).join('\n');
  assert.match(text, /✗ mail\.example\.com is in locals, not in virtualdomains: "Remove a local domain" removes it/);
  // "Remove a local domain" takes it, and rcpthosts with it.
  const l = drive(openMenu(null, { domain: 'mail.example.com' }), ['l', ENTER], env(fx.dir, []));
  assert.equal(l?.step, 'confirm');
  assert.match(flowLines(l!, 120, 40).map((x) => x.text).join('\n'), /^-mail\.example\.com$/m);
  // The users/assign form: leaving the user field fills uid, gid and home from /etc/passwd.
  const u = drive(openMenu(null), ['u', ...'ann', ENTER, ...'bob', ENTER], env(fx.dir, []));
  assert.equal(u?.step === 'form' && u.fields.map((f) => f.value).join('|'), 'ann|bob|1002|1002|/home/bob||');
  assert.match(flowLines(u!, 100, 20).map((x) => x.text).join('\n'), /from \/etc\/passwd line 3 \(user bob\)/);
});

test('issue 21: the confirm and Applied screens wrap long lines at 80 and 60 columns instead of cutting them; the undo hint names the sysroot', () => {
  const fx = world();
  const s = drive(openMenu(null), ['a', ...'example.org', TAB, ...'bob', ENTER], env(fx.dir, []));
  for (const width of [80, 60]) {
    const lines = flowLines(s!, width, 60);
    assert.ok(lines.every((l) => l.text.length <= width), `fits ${width} columns`);
    assert.ok(!lines.some((l) => l.text.endsWith('…')), `nothing cut at ${width} columns`);
    // Joined back, each wrapped line reads whole: the before and the after of the impact.
    const joined = lines.map((l) => l.text.replace(/^ {2,}/, ' ')).join('');
    assert.match(joined.replace(/\s+/g, ' '), /info@example\.org: now accepted from outside; remote info@example\.org → maildir \/home\/bob\/Info\//);
    assert.match(joined.replace(/\s+/g, ' '), /kill -HUP <pid of the qmail-send started for \/var\/qmail>/);
  }
  const done = drive(s!, ['y'], env(fx.dir, []));
  const text = flowLines(done!, 60, 30).map((l) => l.text);
  assert.ok(text.every((l) => l.length <= 60 && !l.endsWith('…')));
  assert.match(text.join(' ').replace(/\s+/g, ' '), new RegExp(`\\(qlens --sysroot ${fx.dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} undo restores it\\)`));
});

test('issue 21: on a 60x16 screen (11 body lines) the confirm screen keeps the impact, what to do by hand and the change itself; context lines and the rest give way, said', () => {
  const fx = world();
  const s = drive(openMenu(null), ['a', ...'example.org', TAB, ...'bob', ENTER], env(fx.dir, []))!;
  const tall = flowLines(s, 60, 60).map((l) => l.text);
  const lines = flowLines(s, 60, 11).map((l) => l.text);
  assert.equal(lines.length, 11);
  assert.ok(lines.every((l) => l.length <= 60), 'fits 60 columns');
  assert.equal(lines.at(-1), CONFIRM_PROMPT);
  assert.match(lines[0], /^Confirm: add example\.org → bob/);
  assert.ok(lines.includes('+example.org:bob'), 'the line that changes, not its unchanged neighbour');
  assert.ok(lines.some((l) => /^Impact: \d+ of \d+ traced addresses change/.test(l)), 'the impact headline');
  assert.ok(lines.some((l) => /^Then, by hand/.test(l)) && lines.some((l) => /kill -HUP/.test(l)), 'what to do by hand');
  // What gave way is said: so many lines, so many addresses, and where to see them all.
  const more = lines.filter((l) => /^ {2}… \d+ more (lines|addresses) \(qlens edit shows all\)$/.test(l));
  assert.ok(more.length >= 1, lines.join('\n'));
  const hidden = more.reduce((n, l) => n + Number(/… (\d+) more lines/.exec(l)?.[1] ?? 0), 0);
  assert.ok(hidden > 0 && hidden < tall.length);
});
