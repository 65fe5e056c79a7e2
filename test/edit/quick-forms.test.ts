import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeForm, formFields, submitForm, type FormKind } from '../../source/ui/edit/quick-forms.js';

const files = (m: Record<string, string>) => ({ instance: '/var/qmail', read: (p: string) => m[p] ?? null });
const fill = (kind: FormKind, v: Record<string, string>) => formFields(kind, v);
const text = (r: ReturnType<typeof submitForm>) => (r.ok ? r.edits.map((e) => [e.path, e.content.toString()]) : r.message);

test('add a virtual domain: virtualdomains and rcpthosts together', () => {
  const fs = files({ '/var/qmail/control/virtualdomains': 'example.net:alice\n', '/var/qmail/control/rcpthosts': 'example.net' });
  assert.deepEqual(text(submitForm('addDomain', fill('addDomain', { domain: 'example.org', prepend: 'bob' }), fs)), [
    ['/var/qmail/control/virtualdomains', 'example.net:alice\nexample.org:bob\n'],
    ['/var/qmail/control/rcpthosts', 'example.net\nexample.org\n'],
  ]);
  assert.match(text(submitForm('addDomain', fill('addDomain', { domain: 'Example.NET', prepend: 'bob' }), fs)) as string, /already/);
  assert.match(text(submitForm('addDomain', fill('addDomain', { domain: 'bad domain', prepend: 'bob' }), fs)) as string, /not a domain/);
});

test('remove a virtual domain from both files', () => {
  const fs = files({ '/var/qmail/control/virtualdomains': 'example.net:alice\nexample.org:bob\n', '/var/qmail/control/rcpthosts': 'example.net\nexample.org\n' });
  assert.deepEqual(text(submitForm('removeDomain', fill('removeDomain', { domain: 'EXAMPLE.org' }), fs)), [
    ['/var/qmail/control/virtualdomains', 'example.net:alice\n'],
    ['/var/qmail/control/rcpthosts', 'example.net\n'],
  ]);
  assert.match(text(submitForm('removeDomain', fill('removeDomain', { domain: 'nowhere.example' }), fs)) as string, /neither/);
});

test('add an assign entry before the "." line; create a .qmail-EXT', () => {
  const fs = files({ '/var/qmail/users/assign': '=joe:joe:1:1:/home/joe:::\n.\n', '/home/alice/.qmail-x': 'a\n' });
  assert.deepEqual(text(submitForm('addAssign', fill('addAssign', { local: 'ann', user: 'alice', uid: '1001', gid: '1001', home: '/home/alice', dash: '-', ext: '' }), fs)), [
    ['/var/qmail/users/assign', '=joe:joe:1:1:/home/joe:::\n=ann:alice:1001:1001:/home/alice:-::\n.\n'],
  ]);
  assert.deepEqual(text(submitForm('addAssign', fill('addAssign', { local: 'ann', user: 'alice', uid: '1001', gid: '1001', home: '/home/alice' }), files({}))), [
    ['/var/qmail/users/assign', '=ann:alice:1001:1001:/home/alice:::\n.\n'],
  ]);
  assert.match(text(submitForm('addAssign', fill('addAssign', { local: 'ann', user: 'alice', uid: 'x', gid: '1', home: '/h' }), fs)) as string, /numbers/);
  assert.deepEqual(text(submitForm('createDotqmail', fill('createDotqmail', { home: '/home/alice/', ext: 'lists', delivery: './Lists/' }), fs)), [['/home/alice/.qmail-lists', './Lists/\n']]);
  assert.match(text(submitForm('createDotqmail', fill('createDotqmail', { home: '/home/alice', ext: 'x', delivery: './M/' }), fs)) as string, /exists/);
  assert.match(text(submitForm('createDotqmail', fill('createDotqmail', { home: '/home/alice', ext: '../x', delivery: './M/' }), fs)) as string, /extension/);
});

// Issue 14 point 5: the forms refuse what cannot be meant, with the reason.
const ctl = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k.startsWith('/') ? k : `/var/qmail/control/${k}`, v]));

test('remove a virtual domain: a locals domain, a wildcard-covered one, an rcpthosts-only one are refused with the reason', () => {
  const fs = files(ctl({ locals: 'example.com\n', virtualdomains: '.shop.example:bob\nexample.net:alice\n', rcpthosts: 'example.com\nexample.net\nrelay.example\n' }));
  const refuse = (d: string) => text(submitForm('removeDomain', fill('removeDomain', { domain: d }), fs));
  assert.equal(refuse('example.com'), 'example.com is in locals, not in virtualdomains: "Remove a local domain" removes it');
  assert.equal(refuse('a.shop.example'), 'a.shop.example has no line of its own in virtualdomains: the wildcard line .shop.example (line 1) covers it');
  assert.equal(refuse('relay.example'), 'relay.example is not in virtualdomains: it is only in rcpthosts (qmail-smtpd accepts it, qmail-send delivers it remotely)');
  assert.equal(refuse('nowhere.example'), 'nowhere.example is in neither control/virtualdomains nor control/locals');
});

test('remove a virtual domain: its user@domain keys and morercpthosts line go too; shadowed by locals, rcpthosts keeps it', () => {
  const fs = files(ctl({ virtualdomains: 'example.net:alice\njoe@example.net:bob\nexample.org:bob\n', rcpthosts: 'example.org\n', morercpthosts: 'example.net\nexample.io\n' }));
  const r = submitForm('removeDomain', fill('removeDomain', { domain: 'example.net' }), fs);
  assert.deepEqual(text(r), [
    ['/var/qmail/control/virtualdomains', 'example.org:bob\n'],
    ['/var/qmail/control/morercpthosts', 'example.io\n'],
  ]);
  assert.equal(r.ok && r.summary, 'remove virtual domain example.net (virtualdomains lines 1, 2; morercpthosts line 1)');
  const shadowed = files(ctl({ locals: 'example.com\n', virtualdomains: 'example.com:alice\n', rcpthosts: 'example.com\n' }));
  const s = submitForm('removeDomain', fill('removeDomain', { domain: 'example.com' }), shadowed);
  assert.deepEqual(text(s), [['/var/qmail/control/virtualdomains', '']]);
  assert.match(s.ok ? s.summary : '', /kept in rcpthosts: example\.com is in locals too/);
});

test('remove a local domain: locals and rcpthosts; a virtual domain or a missing locals file is refused', () => {
  const fs = files(ctl({ me: 'mail.example.com\n', locals: 'mail.example.com\nexample.com\n', virtualdomains: 'example.net:alice\n', rcpthosts: 'mail.example.com\nexample.com\nexample.net\n' }));
  const r = submitForm('removeLocal', fill('removeLocal', { domain: 'Example.COM' }), fs);
  assert.deepEqual(text(r), [
    ['/var/qmail/control/locals', 'mail.example.com\n'],
    ['/var/qmail/control/rcpthosts', 'mail.example.com\nexample.net\n'],
  ]);
  assert.equal(r.ok && r.summary, 'remove local domain Example.COM (locals line 2; rcpthosts line 2)');
  assert.equal(text(submitForm('removeLocal', fill('removeLocal', { domain: 'example.net' }), fs)), 'example.net is in virtualdomains, not in locals: "Remove a virtual domain" removes it');
  const noLocals = files(ctl({ me: 'mail.example.com\n', rcpthosts: 'mail.example.com\n' }));
  assert.equal(
    text(submitForm('removeLocal', fill('removeLocal', { domain: 'mail.example.com' }), noLocals)),
    'there is no control/locals: qmail-send takes control/me (mail.example.com) as the only local domain; edit control/locals with e to list others',
  );
  // Also a virtual domain: once out of locals its virtualdomains line delivers it, so qmail-smtpd keeps accepting it.
  const both = files(ctl({ locals: 'example.net\n', virtualdomains: 'example.net:alice\n', rcpthosts: 'example.net\n' }));
  const b = submitForm('removeLocal', fill('removeLocal', { domain: 'example.net' }), both);
  assert.deepEqual(text(b), [['/var/qmail/control/locals', '']]);
  assert.match(b.ok ? b.summary : '', /kept in rcpthosts: virtualdomains line 1 delivers it once it leaves locals/);
});

test('add a virtual domain that locals shadows: refused, the line would never be read', () => {
  const fs = files(ctl({ locals: 'example.com\n', rcpthosts: 'example.com\n' }));
  assert.equal(text(submitForm('addDomain', fill('addDomain', { domain: 'example.com', prepend: 'bob' }), fs)), 'example.com is in locals (line 1): locals wins, so a virtualdomains line for it would never be used');
});

test('users/assign form: a passwd user gives uid, gid and home; another uid is refused; a second =local too', () => {
  const pw = 'alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1003::/home/bob:/bin/sh\n';
  const fs = files({ '/etc/passwd': pw, '/var/qmail/users/assign': '=joe:alice:1001:1001:/home/alice:::\n.\n' });
  assert.deepEqual(text(submitForm('addAssign', fill('addAssign', { local: 'ann', user: 'bob' }), fs)), [['/var/qmail/users/assign', '=joe:alice:1001:1001:/home/alice:::\n=ann:bob:1002:1003:/home/bob:::\n.\n']]);
  assert.equal(text(submitForm('addAssign', fill('addAssign', { local: 'ann', user: 'bob', uid: '1001' }), fs)), 'bob is uid 1002 in /etc/passwd (line 2), not 1001: leave uid empty to take it');
  assert.equal(text(submitForm('addAssign', fill('addAssign', { local: 'ann', user: 'bob', gid: '1002' }), fs)), 'bob is gid 1003 in /etc/passwd (line 2), not 1002: leave gid empty to take it');
  assert.equal(text(submitForm('addAssign', fill('addAssign', { local: 'JOE', user: 'bob' }), fs)), '=JOE is already users/assign line 1: qmail-lspawn takes the first, a second line would never be used');
  assert.equal(text(submitForm('addAssign', fill('addAssign', { local: 'x', user: 'nobody-here' }), fs)), 'uid is required (nobody-here is not in /etc/passwd)');
  assert.match(text(submitForm('addAssign', fill('addAssign', { local: 'x', user: 'root2', uid: '0', gid: '0', home: '/r' }), fs)) as string, /never delivers as root/);
  // Leaving the user field fills the fields from passwd, with where they came from.
  const done = completeForm('addAssign', fill('addAssign', { local: 'ann', user: 'bob', home: '/srv/bob' }), fs);
  assert.deepEqual(done.filter((f) => ['uid', 'gid', 'home'].includes(f.name)).map((f) => [f.value, f.hint]), [
    ['1002', 'from /etc/passwd line 2 (user bob)'],
    ['1003', 'from /etc/passwd line 2 (user bob)'],
    ['/srv/bob', 'empty: the home /etc/passwd gives the user'],
  ]);
});

test('create a .qmail-EXT: the name qmail-local reads (lower case, dots as colons); a home that does not exist is refused', () => {
  const fs = { ...files({}), exists: (p: string) => p === '/home/alice' };
  const r = submitForm('createDotqmail', fill('createDotqmail', { home: '/home/alice', ext: 'Sales.EU', delivery: './Sales/' }), fs);
  assert.deepEqual(text(r), [['/home/alice/.qmail-sales:eu', './Sales/\n']]);
  assert.equal(r.ok && r.summary, 'create /home/alice/.qmail-sales:eu (qmail-local reads .qmail-sales:eu for Sales.EU: lower case, dots as colons)');
  assert.equal(text(submitForm('createDotqmail', fill('createDotqmail', { home: '/home/alcie', ext: 'x', delivery: './M/' }), fs)), '/home/alcie does not exist: qmail-local could not read a file there');
});
