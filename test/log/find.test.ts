// Finding each installation's qmail-send log from its start scripts, never
// run: the multilog directory of the qmail-send service's log/run (relative
// to the log directory, as supervise starts it, or absolute), syslog when
// qmail-start's logger is splogger, and where qlens looked when neither is
// there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { findLogs, findInstanceLog, parseLogOption, namedLog } from '../../source/log/find.js';
import { logHeader } from '../../source/log/format.js';

const RC = '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/\n';

test('supervise: log/run gives multilog its directory, relative to log/ (multilog t ./main) or absolute (t s99999 n10 /var/log/qmail)', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/rc': RC,
    '/var/qmail/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail/rc\n',
    '/var/qmail/supervise/qmail-send/log/run': '#!/bin/sh\nexec setuidgid qmaill multilog t ./main\n',
    '/var/qmail/supervise/qmail-send/log/main/current': '',
    // qmail-smtpd's log is not qmail-send's.
    '/var/qmail/supervise/qmail-smtpd/run': '#!/bin/sh\nexec tcpserver 0 smtp /var/qmail/bin/qmail-smtpd\n',
    '/var/qmail/supervise/qmail-smtpd/log/run': '#!/bin/sh\nexec setuidgid qmaill multilog t /var/log/qmail/smtpd\n',
  });
  const se = findInstanceLog(fx.sysroot(), '/var/qmail');
  assert.deepEqual(
    se.sources.map((s) => [s.path, s.format, s.foundBy]),
    [['/var/qmail/supervise/qmail-send/log/main', 'multilog', 'multilog in /var/qmail/supervise/qmail-send/log/run line 2']],
  );

  const abs = makeFixture({
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/rc': RC,
    '/var/qmail/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail/rc\n',
    '/var/qmail/supervise/qmail-send/log/run': '#!/bin/sh\nexec /usr/local/bin/setuidgid qmaill /usr/local/bin/multilog t s99999 n10 /var/log/qmail\n',
  });
  assert.deepEqual(findInstanceLog(abs.sysroot(), '/var/qmail').sources.map((s) => s.path), ['/var/log/qmail']);
});

test('rc through splogger: the syslog file that exists, lines tagged with splogger\'s first argument', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Mailbox splogger qmail2\n',
    '/var/log/maillog': '',
  });
  const se = findInstanceLog(fx.sysroot(), '/var/qmail');
  assert.deepEqual(se.sources.map((s) => [s.path, s.format, s.tag]), [['/var/log/maillog', 'syslog', 'qmail2']]);
  assert.ok(se.looked.includes('/var/log/mail.log'), 'mail.log was looked at before maillog');

  const none = makeFixture({ '/var/qmail/control/me': 'a.example\n', '/var/qmail/rc': '#!/bin/sh\nexec qmail-start ./Mailbox splogger qmail\n' });
  const header = logHeader(findLogs(none.sysroot(), ['/var/qmail']));
  assert.match(header.join('\n'), /\/var\/qmail: no log found; looked at \/var\/log\/mail\.log, \/var\/log\/maillog/);
  assert.match(header.join('\n'), /qmail-send logs to syslog, but none of/);
});

test('no start script, or qmail-start without a logger: no log, and the header says why', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'a.example\n' });
  assert.match(logHeader(findLogs(fx.sysroot(), ['/var/qmail'])).join('\n'), /no log found[\s\S]*no start script of \/var\/qmail found/);
  const bare = makeFixture({ '/var/qmail/control/me': 'a.example\n', '/var/qmail/rc': RC });
  assert.match(logHeader(findLogs(bare.sysroot(), ['/var/qmail'])).join('\n'), /qmail-start has no logger and no supervise log\/run takes its output/);
});

test('two installations configured for one multilog directory: read once, under the first, and both are told', () => {
  const files: Record<string, string> = { '/var/log/qmail/current': '' };
  for (const q of ['/var/qmail', '/var/qmail2']) {
    files[`${q}/control/me`] = 'a.example\n';
    files[`${q}/rc`] = RC.replaceAll('/var/qmail', q);
    files[`${q}/supervise/qmail-send/run`] = `#!/bin/sh\nexec ${q}/rc\n`;
    files[`${q}/supervise/qmail-send/log/run`] = '#!/bin/sh\nexec multilog t /var/log/qmail\n';
  }
  const fx = makeFixture(files);
  const searches = findLogs(fx.sysroot(), ['/var/qmail', '/var/qmail2']);
  assert.deepEqual(searches.map((s) => s.sources.length), [1, 0]);
  assert.deepEqual(searches[0].sources[0].sharedWith, ['/var/qmail2']);
  const header = logHeader(searches).join('\n');
  assert.match(header, /\/var\/qmail2: multilog \/var\/log\/qmail .*, shared with \/var\/qmail/);
  assert.match(header, /multilog locks the directory, so only one of the two can be logging there/);
});

test('--log [INSTANCE=]PATH: whose, and what format from what is there', () => {
  assert.deepEqual(parseLogOption('/var/qmail2=/srv/log', ['/var/qmail', '/var/qmail2']), { instance: '/var/qmail2', path: '/srv/log' });
  assert.deepEqual(parseLogOption('/srv/log', ['/var/qmail', '/var/qmail2']), { instance: '/var/qmail', path: '/srv/log' });
  // An '=' that does not follow a loaded installation is part of the path.
  assert.deepEqual(parseLogOption('/srv/a=b', ['/var/qmail']), { instance: '/var/qmail', path: '/srv/a=b' });
  assert.ok('error' in parseLogOption('log/current', ['/var/qmail']));
  const fx = makeFixture({
    '/var/qmail/control/me': 'a.example\n',
    '/srv/one/@400000006b169b0a1234567f.s': '@400000006b169b0a1234567f new msg 1\n',
    '/srv/maillog': 'Nov 24 09:00:00 mx qmail: 1796643574.000001 new msg 1\n',
  });
  assert.equal(namedLog(fx.sysroot(), '/var/qmail', '/srv')?.format, 'multilog');
  assert.equal(namedLog(fx.sysroot(), '/var/qmail', '/srv/one/@400000006b169b0a1234567f.s')?.format, 'multilog');
  assert.deepEqual([namedLog(fx.sysroot(), '/var/qmail', '/srv/maillog')?.format, namedLog(fx.sysroot(), '/var/qmail', '/srv/maillog')?.tag], ['syslog', 'qmail']);
  assert.equal(namedLog(fx.sysroot(), '/var/qmail', '/srv/none'), null);
});
