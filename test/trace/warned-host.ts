// Two installations on one host whose walks warn: alice's users/assign line
// was never compiled (no users/cdb), and she forwards to two addresses of
// b.example, a domain the second installation delivers but the first has no
// smtproutes for (the self-MX bounce).
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { maildir } from './baseline.js';

export function warnedHost(): Fixture {
  return makeFixture({
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\nx:x:1003:1003::/home/x:/bin/sh\n',
    '/home/alice/': { dir: true, mode: 0o755, uid: 1001, gid: 1001 },
    '/home/x/': { dir: true, mode: 0o755, uid: 1003, gid: 1003 },
    '/home/alice/.qmail': { content: './Maildir/\n&x@b.example\n&y@b.example\n', uid: 1001, gid: 1001 },
    ...maildir('/home/alice/Maildir', 1001, 1001),
    ...maildir('/home/x/Maildir', 1003, 1003),
    '/var/qmail/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
    '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\n',
    '/var/qmail/control/rcpthosts': 'example.com\n',
    '/var/qmail/users/assign': '=alice:alice:1001:1001:/home/alice:::\n.\n',
    '/var/qmail2/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
    '/var/qmail2/rc': '#!/bin/sh\nexec env - PATH="/var/qmail2/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
    '/var/qmail2/control/me': 'mail.b.example\n',
    '/var/qmail2/control/locals': 'b.example\n',
    '/var/qmail2/control/rcpthosts': 'b.example\n',
  });
}
