// Issue 21 point 8: `qlens domains` counts what it lists. A wildcard
// (".example.org") in rcpthosts is a row like the domains, so the line above
// the rows names it apart instead of saying "3 domains" above 4 rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { commandContext } from '../helpers/command-context.js';
import { run as runDomains } from '../../source/commands/domains.js';

async function domains(files: Record<string, string>): Promise<string> {
  const { ctx, out } = commandContext(makeFixture(files).sysroot());
  assert.equal(await runDomains(ctx), 0);
  return out.join('');
}

const BASE = {
  '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
  '/var/qmail/control/me': 'mail.example.com\n',
  '/var/qmail/control/locals': 'example.com\nmail.example.com\n',
  '/var/qmail/control/virtualdomains': 'lists.example.com:alice\n',
};

test('a wildcard is counted apart: the names listed, the domains among them, accepted and delivered', async () => {
  const text = await domains({ ...BASE, '/var/qmail/control/rcpthosts': '.example.org\nexample.com\nmail.example.com\nlists.example.com\n' });
  const [head, , ...rows] = text.trimEnd().split('\n');
  assert.equal(rows.length, 4);
  assert.match(head, /^\/var\/qmail {2}me "mail\.example\.com" {2}4 names \(3 domains, a wildcard: \.example\.org\), 4 accepted by qmail-smtpd, 3 delivered here$/);
});

test('without a wildcard the line counts domains, as many as the rows', async () => {
  const text = await domains({ ...BASE, '/var/qmail/control/rcpthosts': 'example.com\nmail.example.com\nlists.example.com\n' });
  const [head, , ...rows] = text.trimEnd().split('\n');
  assert.equal(rows.length, 3);
  assert.match(head, /  3 domains, 3 accepted by qmail-smtpd, 3 delivered here$/);
});
