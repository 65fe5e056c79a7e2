import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { parseStartScript, splitShell, resolveWord, loadStartScripts, referencesRoot, findQmailStart } from '../../source/qmail/startup.js';

const LWQ_RC = `#!/bin/sh

# Using stdout for logging
# Using control/defaultdelivery from qmail-local to deliver messages by default

exec env - PATH="/var/qmail/bin:$PATH" \\
qmail-start "\`cat /var/qmail/control/defaultdelivery\`"
`;

const LWQ_SMTPD = `#!/bin/sh

QMAILDUID=\`id -u qmaild\`
NOFILESGID=\`id -g qmaild\`
MAXSMTPD=\`cat /var/qmail/control/concurrencyincoming\`
LOCAL=\`head -1 /var/qmail/control/me\`

if [ -z "$QMAILDUID" -o -z "$NOFILESGID" -o -z "$MAXSMTPD" -o -z "$LOCAL" ]; then
    echo QMAILDUID, NOFILESGID, MAXSMTPD, or LOCAL is unset in
    echo /var/qmail/supervise/qmail-smtpd/run
    exit 1
fi

exec /usr/local/bin/softlimit -m 2000000 \\
    /usr/local/bin/tcpserver -v -R -l "$LOCAL" -x /etc/tcp.smtp.cdb -c "$MAXSMTPD" \\
        -u "$QMAILDUID" -g "$NOFILESGID" 192.0.2.10 smtp /var/qmail/bin/qmail-smtpd 2>&1
`;

test('LWQ rc: env - clears, PATH set, qmail-start first argument from control/defaultdelivery (line 7)', () => {
  const s = parseStartScript(LWQ_RC, '/var/qmail/rc', 'rc');
  assert.deepEqual(s.envClear, [6]);
  assert.deepEqual(s.env.map((e) => [e.name, e.value, e.line, e.via]), [['PATH', '/var/qmail/bin:$PATH', 6, 'env']]);
  assert.equal(s.qmailStart.length, 1);
  const q = s.qmailStart[0];
  assert.equal(q.line, 7);
  assert.equal(q.program, 'qmail-start');
  assert.deepEqual(q.arg!.parts, [{ subst: 'cat /var/qmail/control/defaultdelivery', quoted: true }]);
  const r = resolveWord(q.arg!, (p) => (p === '/var/qmail/control/defaultdelivery' ? './Maildir/\n\n' : null));
  assert.deepEqual(r, { text: './Maildir/', files: ['/var/qmail/control/defaultdelivery'], unresolved: [], missing: [] });
});

test('a literal default delivery with a logger: qmail-start ./Maildir/ splogger qmail', () => {
  const s = parseStartScript("exec env - PATH=\"/var/qmail/bin:$PATH\" qmail-start ./Maildir/ splogger qmail &\n", '/var/qmail/rc', 'rc');
  assert.equal(s.qmailStart[0].arg!.value, './Maildir/');
  assert.deepEqual(s.qmailStart[0].logger, ['splogger', 'qmail']);
});

test('a multi-line default delivery in single quotes keeps its newline', () => {
  const s = parseStartScript("qmail-start '|preline procmail\n./Mailbox' splogger qmail\n", '/var/qmail/rc');
  assert.equal(s.qmailStart[0].arg!.value, '|preline procmail\n./Mailbox');
  assert.equal(s.qmailStart[0].line, 1);
});

test('qmail-start without arguments: arg null', () => {
  const s = parseStartScript('exec /var/qmail/bin/qmail-start\n', '/var/qmail/rc');
  assert.equal(s.qmailStart[0].arg, null);
  assert.equal(s.qmailStart[0].program, '/var/qmail/bin/qmail-start');
});

test('LWQ qmail-smtpd run: tcpserver address, port, -l, -x, -c, -u/-g, program; variables resolved; 2>&1 ignored', () => {
  const s = parseStartScript(LWQ_SMTPD, '/var/qmail/supervise/qmail-smtpd/run', 'run');
  assert.equal(s.tcpservers.length, 1);
  const t = s.tcpservers[0];
  assert.equal(t.line, 15);
  assert.equal(t.host, '192.0.2.10');
  assert.equal(t.port, 'smtp');
  assert.equal(t.localName, '`head -1 /var/qmail/control/me`');
  assert.equal(t.rules, '/etc/tcp.smtp.cdb');
  assert.equal(t.limit, '`cat /var/qmail/control/concurrencyincoming`');
  assert.equal(t.uid, '`id -u qmaild`');
  assert.equal(t.gid, '`id -g qmaild`');
  assert.equal(t.program, '/var/qmail/bin/qmail-smtpd');
  assert.deepEqual(t.args, []);
  const local = resolveWord(t.optionWords.l, (p) => (p === '/var/qmail/control/me' ? 'mail.example.com\nx\n' : null));
  assert.deepEqual([local.text, local.files], ['mail.example.com', ['/var/qmail/control/me']]);
  assert.deepEqual(s.env.map((e) => e.name), ['QMAILDUID', 'NOFILESGID', 'MAXSMTPD', 'LOCAL']);
});

test('tcpserver option clusters and attached values: -vRHl0 -x/etc/r.cdb -c20 0 2525', () => {
  const s = parseStartScript('exec tcpserver -vRHl0 -x/etc/r.cdb -c20 -u 1002 -g 1002 0 2525 rblsmtpd -r zen.example /var/qmail2/bin/qmail-smtpd\n', '/service/q2/run');
  const t = s.tcpservers[0];
  assert.equal(t.localName, '0');
  assert.equal(t.rules, '/etc/r.cdb');
  assert.equal(t.limit, '20');
  assert.equal(t.host, '0');
  assert.equal(t.port, '2525');
  assert.equal(t.program, '/var/qmail2/bin/qmail-smtpd');
});

test('envdir, export, QMAILQUEUE and setuidgid wrappers', () => {
  const s = parseStartScript('#!/bin/sh\nexport QMAILQUEUE=/var/qmail/bin/qmail-scanner-queue\nexec envdir ./env setuidgid qmaild tcpserver 0 25 qmail-smtpd\n', '/service/smtpd/run');
  assert.deepEqual(s.env.map((e) => [e.name, e.value, e.via]), [['QMAILQUEUE', '/var/qmail/bin/qmail-scanner-queue', 'export']]);
  assert.deepEqual(s.envdirs, [{ dir: './env', line: 3 }]);
  assert.equal(s.tcpservers[0].program, 'qmail-smtpd');
});

test('splitShell: quotes, escapes, comments, separators', () => {
  const { commands } = splitShell("a 'b c' \"d $X e\" f\\ g # comment\nX=1; y `z`\n");
  assert.deepEqual(commands[0].words.map((w) => w.value), ['a', 'b c', 'd $X e', 'f g']);
  assert.deepEqual(commands[1].assigns.map((a) => [a.name, a.value.value]), [['X', '1']]);
  assert.deepEqual(commands[2].words.map((w) => w.value), ['y', '`z`']);
  // Bad input: an unterminated substitution is reported, not thrown.
  const bad = splitShell('qmail-start "`cat /x', '/var/qmail/rc');
  assert.equal(bad.diagnostics[0].code, 'script-syntax');
});

test('referencesRoot does not mistake /var/qmail2 for /var/qmail', () => {
  assert.equal(referencesRoot('exec /var/qmail2/rc', '/var/qmail'), false);
  assert.equal(referencesRoot('exec /var/qmail/rc', '/var/qmail'), true);
  assert.equal(referencesRoot('PATH="/var/qmail/bin:$PATH"', '/var/qmail'), true);
  assert.equal(referencesRoot('x /var/qmail', '/var/qmail'), true);
});

test('loadStartScripts: rc, supervise, /service scripts naming this installation only, exec followed', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail/rc\n',
    '/var/qmail/rc': LWQ_RC,
    '/var/qmail/supervise/qmail-smtpd/run': LWQ_SMTPD,
    '/var/qmail2/control/me': 'b\n',
    '/var/qmail2/rc': 'exec env - PATH="/var/qmail2/bin:$PATH" qmail-start ./Maildir/ splogger qmail2\n',
    '/service/qmail2-smtpd/run': 'exec tcpserver 192.0.2.11 smtp /var/qmail2/bin/qmail-smtpd 2>&1\n',
    '/service/qmail2-send/run': 'exec /var/qmail2/rc\n',
  });
  const sr = fx.sysroot();
  const a = loadStartScripts(sr, '/var/qmail').scripts.map((s) => s.path);
  assert.deepEqual(a, ['/var/qmail/rc', '/var/qmail/supervise/qmail-send/run', '/var/qmail/supervise/qmail-smtpd/run']);
  const b = loadStartScripts(sr, '/var/qmail2').scripts;
  assert.deepEqual(b.map((s) => s.path), ['/var/qmail2/rc', '/service/qmail2-send/run', '/service/qmail2-smtpd/run']);
  assert.equal(findQmailStart(b)!.arg!.value, './Maildir/');
  assert.equal(b[2].tcpservers[0].host, '192.0.2.11');
});

test('systemd unit: ExecStart qmail-start and Environment=PATH', () => {
  const unit = '[Service]\nEnvironment="PATH=/var/qmail/bin:/usr/bin"\nExecStart=/var/qmail/bin/qmail-start ./Maildir/ splogger qmail\n';
  const s = parseStartScript(unit, '/etc/systemd/system/qmail-send.service', 'systemd');
  assert.equal(s.qmailStart[0].arg!.value, './Maildir/');
  assert.equal(s.qmailStart[0].line, 3);
  assert.deepEqual(s.env.map((e) => [e.name, e.value, e.line]), [['PATH', '/var/qmail/bin:/usr/bin', 2]]);
});

test('env with a quoted whole assignment: env - "PATH=/var/qmail/bin:$PATH" qmail-start', () => {
  const s = parseStartScript('exec env - "PATH=/var/qmail/bin:$PATH" QMAILREMOTE=/usr/local/bin/remote qmail-start ./Maildir/\n', '/var/qmail/rc');
  assert.deepEqual(s.env.map((e) => [e.name, e.value]), [['PATH', '/var/qmail/bin:$PATH'], ['QMAILREMOTE', '/usr/local/bin/remote']]);
  assert.equal(s.qmailStart[0].arg!.value, './Maildir/');
});
