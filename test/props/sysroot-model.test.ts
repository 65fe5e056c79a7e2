// Whole installations built from hostile files: whatever bytes sit in the
// control files, users/assign, users/cdb, passwd and the .qmail files, the
// model, the domain table, lint and the walk answer without throwing, every
// diagnostic names a system path (never the host directory), and the parts
// that are intact still load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeFixture } from '../helpers/fixture.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { domainMatrix } from '../../source/qmail/domains.js';
import { lintInstallations } from '../../source/qmail/lint.js';
import { traceAddress } from '../../source/trace/walk.js';
import { builtinManagers } from '../../source/trace/managers.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import type { Diagnostic } from '../../source/qmail/model-types.js';
import { diskParams, bytesArb, mutated } from './arbitraries.js';

const GOOD: Record<string, Buffer> = {
  '/var/qmail/control/me': Buffer.from('mail.example.com\n'),
  '/var/qmail/control/locals': Buffer.from('localhost\nexample.com\n'),
  '/var/qmail/control/rcpthosts': Buffer.from('example.com\nvirt.example\n'),
  '/var/qmail/control/virtualdomains': Buffer.from('virt.example:bob\n.sub.example:bob\n'),
  '/var/qmail/control/smtproutes': Buffer.from('example.org:127.0.0.1:2525\n'),
  '/var/qmail/control/concurrencylocal': Buffer.from('10\n'),
  '/var/qmail/users/assign': Buffer.from('=carol:bob:1002:1002:/home/bob:-:carol:\n+list-:bob:1002:1002:/home/bob:-:lists-:\n.\n'),
  '/etc/passwd': Buffer.from('root:x:0:0:root:/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n'),
  '/home/alice/.qmail': Buffer.from('./Maildir/\n&bob@example.com\n'),
  '/home/bob/.qmail-default': Buffer.from('./Maildir/\n'),
  '/var/qmail/alias/.qmail-postmaster': Buffer.from('&alice@example.com\n'),
};
GOOD['/var/qmail/users/cdb'] = compileUsersCdb(GOOD['/var/qmail/users/assign']);
const NAMES = Object.keys(GOOD);

/** Replace some files with random or mutated bytes; the rest stay intact. */
const hostileTree = fc
  .array(
    fc.tuple(
      fc.constantFrom(...NAMES),
      fc.oneof(bytesArb(200), fc.constant(null)),
      fc.boolean(),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .chain((changes) =>
    fc.tuple(
      fc.constant(changes),
      fc.tuple(...changes.map(([name, , useMutation]) => (useMutation ? mutated(GOOD[name]) : fc.constant(null)))),
    ),
  )
  .map(([changes, mutations]) => {
    const files: Record<string, Buffer> = { ...GOOD };
    const touched = new Set<string>();
    changes.forEach(([name, random, useMutation], i) => {
      const m = mutations[i];
      if (useMutation && m) files[name] = m;
      else if (random) files[name] = random;
      else delete files[name];
      touched.add(name);
    });
    return { files, touched };
  });

function checkDiagnostics(ds: Diagnostic[], hostDir: string): void {
  for (const d of ds) {
    assert.ok(d.path.startsWith('/'), `not a system path: ${d.path}`);
    assert.ok(!d.path.includes(hostDir), `host path leaked: ${d.path}`);
    assert.ok(d.line === null || (Number.isInteger(d.line) && d.line >= 1), `line ${d.line}`);
    assert.ok(typeof d.message === 'string' && d.message.length > 0);
  }
}

test('installation, domains, lint and trace over hostile files: no throw, system paths only, intact parts load', () => {
  fc.assert(
    fc.property(hostileTree, fc.constantFrom('alice@example.com', 'carol@example.com', 'list-x@example.com', 'x@virt.example', 'y@a.sub.example', 'joe@example.net', 'Alice@Example.COM', 'postmaster@example.com'), ({ files, touched }, address) => {
      const fx = makeFixture(files);
      try {
        const sysroot = fx.sysroot();
        const inst = loadInstallation(sysroot, '/var/qmail');
        const users = systemUsersOf(sysroot);
        inst.consts();
        inst.me();
        inst.list('locals');
        inst.list('rcpthosts');
        inst.virtualdomains();
        inst.smtproutes();
        inst.controlInt('concurrencylocal');
        inst.morercpthostsCdb();
        inst.usersCdb();
        inst.assign();
        inst.defaultDelivery();
        users.passwd();
        domainMatrix(inst, users);
        const lint = lintInstallations([inst], users);
        const t = traceAddress(inst, users, address, { managers: builtinManagers, now: new Date('2026-11-25T12:00:00Z') });
        assert.ok(Array.isArray(t.deliveries));
        checkDiagnostics(inst.diagnostics(), fx.dir);
        checkDiagnostics(users.diagnostics(), fx.dir);
        checkDiagnostics(lint, fx.dir);
        // What was not touched still reads as written.
        if (!touched.has('/var/qmail/control/me')) assert.equal(inst.me(), 'mail.example.com');
        if (!touched.has('/var/qmail/control/virtualdomains')) assert.equal(inst.virtualdomains().map.get('virt.example')?.value, 'bob');
        if (!touched.has('/etc/passwd')) assert.equal(users.byName('alice')?.home, '/home/alice');
      } finally {
        fx.cleanup();
      }
    }),
    diskParams,
  );
});
