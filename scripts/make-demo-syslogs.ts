// Writes the syslog of demo/vpopmail and demo/vmailmgr: their rc runs
// `qmail-start ./Maildir/ splogger qmail`, so qmail-send's lines are in
// /var/log/mail.log (rotated once to mail.log.1), in splogger's format,
// between tcpserver's. The rest of those trees is written by hand.
//   npx tsx scripts/make-demo-syslogs.ts
import * as path from 'node:path';
import { projectRoot } from './demo-kit.js';
import { sysLogs } from './demo-logs.js';

const BASE = Date.parse('2026-11-24T09:00:00Z');

sysLogs(path.join(projectRoot(), 'demo', 'vpopmail'), BASE, [
  { from: 'partner@example.org', ch: 'local', rcpt: 'example.com-joe@example.com', result: 'success', report: 'did 0+0+1' },
  { from: 'news@lists.example.org', ch: 'local', rcpt: 'example.com-alice@example.com', result: 'success', report: 'did 0+0+1' },
  { from: 'buyer@example.org', ch: 'local', rcpt: 'example.com-locked@example.com', result: 'failure', report: 'vdelivermail: account is locked email bounced locked@example.com' },
  { from: 'orders@example.org', ch: 'local', rcpt: 'shop.example-nobody@shop.example', result: 'deferral', report: '/home/vpopmail/domains/shop.example/postmaster/Maildir/Maildir/ is not a maildir' },
  { from: 'friend@example.org', ch: 'local', rcpt: 'example.net-bob@example.net', result: 'success', report: 'did 0+0+1' },
]);
sysLogs(path.join(projectRoot(), 'demo', 'vmailmgr'), BASE, [
  { from: 'partner@example.org', ch: 'local', rcpt: 'myuser-joe@mydomain.org', result: 'success', report: 'did 0+0+1' },
  { from: 'buyer@example.org', ch: 'local', rcpt: 'myuser-old@mydomain.org', result: 'failure', report: "Virtual user 'old' has expired" },
]);
console.log('demo syslogs written');
