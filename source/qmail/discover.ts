// contract.md: without --instance, every /var/qmail* holding a control/
// directory is an installation, /var/qmail first, the rest by name.
import type { Sysroot } from '../sysroot/sysroot.js';

export function discoverInstances(sysroot: Sysroot): string[] {
  const names = sysroot.readdir('/var') ?? [];
  const found: string[] = [];
  for (const n of names) {
    if (!n.startsWith('qmail')) continue;
    const st = sysroot.stat(`/var/${n}/control`);
    if (st?.kind === 'dir') found.push(`/var/${n}`);
  }
  return found.sort((a, b) => (a === '/var/qmail' ? -1 : b === '/var/qmail' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}
