import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formFields, submitForm, type FormKind } from '../../source/ui/edit/quick-forms.js';

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
