// What qmail must be told after a file changes (qmail-delivery.md §1.2):
// qmail-send rereads locals and virtualdomains only at start and on HUP,
// the other qmail-send controls only at start; qmail-smtpd, qmail-remote
// and qmail-lspawn read theirs on every run. qlens prints the commands and
// never runs them or sends a signal.
import type { EditTarget } from './file-kind.js';

export interface ActivationStep {
  /** System path of the changed file. */
  path: string;
  /** Who reads it and when, in words. */
  text: string;
  /** Commands the admin runs by hand (empty when nothing is needed). */
  commands: string[];
  /** True when something must still be done. */
  needed: boolean;
}

const SEND_HUP = new Set(['locals', 'virtualdomains']);
const SEND_START = new Set([
  'me',
  'envnoathost',
  'bouncefrom',
  'bouncehost',
  'doublebouncehost',
  'doublebounceto',
  'concurrencylocal',
  'concurrencyremote',
  'queuelifetime',
  'percenthack',
]);
const SMTPD = new Set(['rcpthosts', 'morercpthosts.cdb', 'badmailfrom', 'databytes', 'timeoutsmtpd', 'smtpgreeting', 'localiphost']);
const REMOTE = new Set(['smtproutes', 'helohost', 'timeoutremote', 'timeoutconnect']);
const INJECT = new Set(['defaultdomain', 'defaulthost', 'plusdomain', 'idhost']);

export function activationFor(target: EditTarget, sysPath: string): ActivationStep {
  const step = (text: string, commands: string[] = []): ActivationStep => ({ path: sysPath, text, commands, needed: commands.length > 0 });
  switch (target.kind) {
    case 'assign':
      return step('qmail-newu already done: users/cdb was compiled with this change; qmail-lspawn reads it at each delivery');
    case 'derived':
      return step(`${target.name} compiled by qlens; read at each use`);
    case 'dotqmail':
      return step('qmail-local reads .qmail files at each delivery: nothing to do');
    case 'other':
      return step('qlens does not know which program reads this file');
    case 'control': {
      const n = target.name;
      const svc = target.instance === '/var/qmail' ? 'qmail-send' : `qmail-send (of ${target.instance})`;
      if (SEND_HUP.has(n)) {
        return step(
          `${svc} rereads control/${n} only at start and on HUP; messages it has already routed keep their route`,
          ['svc -h /service/qmail-send        # daemontools', 'kill -HUP "$(pgrep -x qmail-send)"   # without daemontools'],
        );
      }
      if (SEND_START.has(n)) {
        return step(`${svc} reads control/${n} only at start: restart it`, [
          'svc -t /service/qmail-send        # daemontools',
          'qmailctl restart                  # or your init script',
        ]);
      }
      if (n === 'morercpthosts') return step('qmail-newmrh already done: morercpthosts.cdb was compiled with this change; qmail-smtpd reads it on each connection');
      if (SMTPD.has(n)) return step(`qmail-smtpd reads control/${n} on each connection: nothing to do`);
      if (REMOTE.has(n)) return step(`qmail-remote reads control/${n} on each run: nothing to do`);
      if (INJECT.has(n)) return step(`qmail-inject reads control/${n} on each run: nothing to do`);
      return step(`control/${n}: qlens does not know when qmail reads it; restarting qmail-send is the safe choice`, [
        'svc -t /service/qmail-send',
      ]);
    }
  }
}
