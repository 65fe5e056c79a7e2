// Start scripts (rc, supervise run files, systemd units) and .fsmeta: read,
// never run; any text gives words and diagnostics naming the file, no throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitShell, parseStartScript } from '../../source/qmail/startup.js';
import { parseFsmeta } from '../../source/sysroot/fsmeta.js';
import { params, bytesArb, mutated } from './arbitraries.js';

const RC = Buffer.from('#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" \\\nqmail-start ./Maildir/ splogger qmail\n');
const RUN = Buffer.from(
  '#!/bin/sh\nQMAILDUID=`id -u qmaild`\nexec /usr/local/bin/softlimit -m 2000000 \\\n  /usr/local/bin/tcpserver -v -R -l "$LOCAL" -x /etc/tcp.smtp.cdb -u "$QMAILDUID" 0 smtp /var/qmail/bin/qmail-smtpd 2>&1\n',
);
const scriptArb = fc.oneof(bytesArb(), mutated(RC), mutated(RUN));

test('splitShell / parseStartScript: any text, no throw; diagnostics name the script', () => {
  fc.assert(
    fc.property(scriptArb, fc.constantFrom('rc', 'run', 'systemd', 'other') as fc.Arbitrary<'rc' | 'run' | 'systemd' | 'other'>, (buf, kind) => {
      const text = buf.toString('latin1');
      const s = splitShell(text, '/var/qmail/rc');
      for (const d of s.diagnostics) assert.equal(d.path, '/var/qmail/rc');
      const p = parseStartScript(text, '/service/qmail-smtpd/run', kind);
      for (const d of p.diagnostics) assert.equal(d.path, '/service/qmail-smtpd/run');
    }),
    params,
  );
});

test('parseStartScript: the qmail-start line of an intact rc is found', () => {
  const p = parseStartScript(RC.toString(), '/var/qmail/rc', 'rc');
  assert.equal(p.qmailStart.length, 1);
});

test('parseFsmeta: any text, no throw; diagnostics carry a line inside the file', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const text = buf.toString('latin1');
      const n = text.split('\n').length;
      const { entries, diagnostics } = parseFsmeta(text);
      for (const d of diagnostics) assert.ok(d.line >= 1 && d.line <= n);
      for (const e of entries) assert.ok(e.path.startsWith('/') && e.mode >= 0 && e.mode <= 0o7777 * 8);
    }),
    params,
  );
});
