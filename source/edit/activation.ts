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

/** How the installation's qmail-send is supervised, found from its start scripts. */
export type SendService = { kind: 'daemontools'; dir: string } | { kind: 'systemd'; unit: string } | { kind: 'rc'; script: string };

function hupCommands(svc: SendService | null | undefined, instance: string): string[] {
  if (svc?.kind === 'daemontools') return [`svc -h ${svc.dir}`];
  if (svc?.kind === 'systemd') return [`systemctl kill -s HUP ${svc.unit}`];
  return [`kill -HUP <pid of the qmail-send started for ${instance}>   # qlens found no supervised service for it`];
}

function restartCommands(svc: SendService | null | undefined, instance: string): string[] {
  if (svc?.kind === 'daemontools') return [`svc -t ${svc.dir}`];
  if (svc?.kind === 'systemd') return [`systemctl restart ${svc.unit}`];
  if (svc?.kind === 'rc') return [`restart qmail-send of ${instance} (started by ${svc.script})`];
  return [`restart the qmail-send started for ${instance}`];
}

export function activationFor(target: EditTarget, sysPath: string, services: Record<string, SendService | null> = {}): ActivationStep {
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
      const service = services[target.instance];
      if (SEND_HUP.has(n)) {
        return step(`${svc} rereads control/${n} only at start and on HUP; messages it has already routed keep their route`, hupCommands(service, target.instance));
      }
      if (SEND_START.has(n)) {
        return step(`${svc} reads control/${n} only at start: restart it`, restartCommands(service, target.instance));
      }
      if (n === 'morercpthosts') return step('qmail-newmrh already done: morercpthosts.cdb was compiled with this change; qmail-smtpd reads it on each connection');
      if (SMTPD.has(n)) return step(`qmail-smtpd reads control/${n} on each connection: nothing to do`);
      if (REMOTE.has(n)) return step(`qmail-remote reads control/${n} on each run: nothing to do`);
      if (INJECT.has(n)) return step(`qmail-inject reads control/${n} on each run: nothing to do`);
      return step(`control/${n}: qlens does not know when qmail reads it; restarting qmail-send is the safe choice`, restartCommands(service, target.instance));
    }
  }
}
