// The sysroot and the log every log test reads: an installation whose
// qmail-send log/run runs `multilog t s4096 n3 /var/log/qmail`, and a story
// piped through the real multilog: a message that began before the log,
// reused ids, a bounce chain ending in a triple bounce, garbage, a message
// that spans a rotation, a cut last line.
import * as fs from 'node:fs';
import { makeFixture, type Fixture } from './fixture.js';
import { multilog } from './multilog.js';

export const LOG_RUN = '#!/bin/sh\nexec setuidgid qmaill multilog t s4096 n3 /var/log/qmail\n';
export const FILLER = 'status: local 0/10 remote 0/20';

export function installation(extra: Record<string, string> = {}): Fixture {
  return makeFixture({
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\na:x:1001:1001::/home/a:/bin/sh\n',
    '/var/qmail/control/me': 'mail.a.example\n',
    '/var/qmail/control/locals': 'a.example\n',
    '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/\n',
    '/var/qmail/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail/rc\n',
    '/var/qmail/supervise/qmail-send/log/run': LOG_RUN,
    '/home/a/Maildir/cur/': '',
    '/home/a/Maildir/new/': '',
    '/home/a/Maildir/tmp/': '',
    '/var/qmail/alias/': '',
    ...extra,
  });
}

/** The story every contract test reads: written through the real multilog t s4096 n3. */
export function story(fx: Fixture, opts: { cutLastLine?: boolean } = {}): { dir: string } {
  const dir = fx.host('/var/log/qmail');
  // Rotated away (n3 keeps two old files): msg 100 began before the log.
  multilog(dir, ['new msg 100', 'info msg 100: bytes 170 from <early@a.example> qp 1100 uid 0', ...Array(110).fill(FILLER)]);
  multilog(dir, [
    'new msg 400',
    'info msg 400: bytes 4000 from <long@b.example> qp 1400 uid 0',
    'starting delivery 1: msg 100 to local a@a.example',
    'delivery 1: success: did_1+0+0/',
    'end msg 100',
    'new msg 200',
    'info msg 200: bytes 200 from <first@b.example> qp 1200 uid 1001',
    'starting delivery 2: msg 200 to remote x@c.example',
    'delivery 2: success: 192.0.2.7_accepted_message./Remote_host_said:_250_ok_1796643574_qp_77/',
    'end msg 200',
    'new msg 200',
    'info msg 200: bytes 222 from <second@b.example> qp 1201 uid 1001',
    'starting delivery 3: msg 200 to local a@a.example',
    'delivery 3: success: did_1+0+0/',
    'end msg 200',
    'new msg 300',
    'info msg 300: bytes 300 from <sender@d.example> qp 1300 uid 1001',
    'starting delivery 4: msg 300 to local nobody@a.example',
    'delivery 4: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/',
    'bounce msg 300 qp 1301',
    'end msg 300',
    'new msg 301',
    'info msg 301: bytes 800 from <> qp 1301 uid 7796',
    'starting delivery 5: msg 301 to remote sender@d.example',
    'delivery 5: failure: 192.0.2.9_does_not_like_recipient./Remote_host_said:_550_no_such_user/Giving_up_on_192.0.2.9./',
    'bounce msg 301 qp 1302',
    'end msg 301',
    'new msg 302',
    'info msg 302: bytes 1200 from <#@[]> qp 1302 uid 7796',
    'starting delivery 6: msg 302 to local postmaster@a.example',
    'delivery 6: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/',
    'triple bounce: discarding bounce/302',
    'end msg 302',
    'this is not a qmail-send line',
    'delivery 7: succ',
    ...Array(8).fill(FILLER),
    'starting delivery 8: msg 400 to remote far@e.example',
    'delivery 8: deferral: Sorry,_I_wasn\'t_able_to_establish_an_SMTP_connection._(#4.4.1)/',
    'end msg 400',
  ]);
  // A last line cut off: a crash mid-write, or a copy taken while it was written.
  if (opts.cutLastLine ?? true) fs.appendFileSync(`${dir}/current`, '@400000006b169b003004f9f4 starting delivery 9: msg 5');
  return { dir };
}


/** Lines no qmail-send writes (its logsafe() turns control bytes into `_`), but a forged or damaged log may hold. */
export const HOSTILE = [
  'new msg 900',
  'info msg 900: bytes 10 from <x\x1b]0;pwned-sender\x07@evil.example> qp 9 uid 0',
  'starting delivery 30: msg 900 to remote v\x1b[2Jictim@evil.example',
  'delivery 30: failure: 192.0.2.1_said:_\x9b2J\x1b]0;pwned-text\x07/',
  'end msg 900',
];
