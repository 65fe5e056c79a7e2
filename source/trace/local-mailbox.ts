// What qmail-local's maildir() and mailfile() would meet at a mailbox line,
// judged before it writes (nothing is written here): a defer with qmail's
// own words, or the line's outcome with what is worth saying about it.
import type { DotQmailFile } from '../qmail/model-types.js';
import { Access, errorStr, may } from './access.js';
import type { LocalAction } from './local-types.js';

/**
 * What a deferral at this line does in qmail-local (the first failing line ends
 * the run, exit 111): earlier lines stay done and run again on each retry,
 * later lines are not reached, the forwards collected so far are not sent.
 */
export function deferConsequences(file: DotQmailFile, lineNo: number, actions: LocalAction[]): string {
  const later = file.lines.filter((x) => x.line > lineNo && x.kind !== 'blank' && x.kind !== 'comment');
  // The maildir itself was just listed: what ran before it is every other mailbox or program.
  const earlier = actions.filter((a) => a.kind === 'maildir' || a.kind === 'mbox' || a.kind === 'program').length - 1;
  const parts = [
    'qmail-local stops there with exit 111 and qmail-send retries later (until the directory exists, or until queuelifetime runs out and the message bounces)',
    earlier > 0 ? `the ${earlier} mailbox or program line${earlier > 1 ? 's' : ''} before it ha${earlier > 1 ? 've' : 's'} already run and run${earlier > 1 ? '' : 's'} again on each retry` : '',
    later.length > 0 ? `line ${later[0].line}${later.length > 1 ? ` and the ${later.length - 1} delivery line${later.length > 2 ? 's' : ''} after it are` : ' is'} not carried out` : '',
  ].filter(Boolean);
  return `; ${parts.join('; ')}${collectedNote(actions)}; the walk lists the maildir as if it existed`;
}

export function collectedNote(actions: LocalAction[]): string {
  const n = actions.filter((a) => a.kind === 'forward' && !a.immediate).length;
  return n ? `; the ${n} forward${n > 1 ? 's' : ''} collected so far ${n > 1 ? 'are' : 'is'} not sent` : '';
}

export type Check = { defer?: string; text: string; warn?: string };

/** qmail-local's mailfile(): open for append, creating with mode 0600 — as the user. */
export function checkMbox(access: Access, target: string, written: string, uid: number, gid: number): Check {
  const r = access.reach(target, uid, gid);
  if (r) {
    const reason = `Unable to open ${written}: ${errorStr(r)}. (#4.2.1)`;
    return { defer: reason, text: `cannot reach it (${errorStr(r)})` };
  }
  const s = access.stat(target);
  if ('error' in s) return { defer: `Unable to open ${written}: ${errorStr(s.error)}. (#4.2.1)`, text: errorStr(s.error) };
  if ('meta' in s) {
    if (s.meta.kind === 'dir') return { defer: `Unable to open ${written}: is a directory. (#4.2.1)`, text: 'it is a directory (an mbox line needs a file; a maildir line ends in "/")' };
    if (!may(s.meta, uid, gid, 2)) return { defer: `Unable to open ${written}: access denied. (#4.2.1)`, text: `the user may not write it (owner ${s.meta.uid}, mode ${s.meta.mode.toString(8).padStart(4, '0')})` };
    return { text: '' };
  }
  const parent = target.slice(0, target.lastIndexOf('/')) || '/';
  const ps = access.stat(parent);
  if (!('meta' in ps)) return { defer: `Unable to open ${written}: file does not exist. (#4.2.1)`, text: `its directory ${parent} does not exist` };
  if (!may(ps.meta, uid, gid, 3)) return { defer: `Unable to open ${written}: access denied. (#4.2.1)`, text: `it does not exist and the user may not create it in ${parent} (owner ${ps.meta.uid}, mode ${ps.meta.mode.toString(8).padStart(4, '0')})` };
  return { text: 'created on first delivery' };
}

/** qmail-local's maildir(): chdir into it, then tmp/ and new/. */
export function checkMaildir(access: Access, target: string, uid: number, gid: number): Check {
  const dir = target.replace(/\/+$/, '') || '/';
  const r = access.reach(dir, uid, gid);
  const s = access.stat(dir);
  if ('missing' in s || r === 'ENOENT') {
    return { text: '', warn: `maildir ${target} does not exist: real qmail-local would defer here with "Unable to chdir to maildir. (#4.2.1)" (chdir fails with ENOENT)` };
  }
  if (r || 'error' in s || s.meta.kind !== 'dir' || !may(s.meta, uid, gid, 1)) {
    return { defer: 'Unable to chdir to maildir. (#4.2.1)', text: `the user cannot enter ${dir}` };
  }
  for (const sub of ['tmp', 'new']) {
    const ss = access.stat(dir + '/' + sub);
    if (!('meta' in ss) || ss.meta.kind !== 'dir') {
      return { text: '', warn: `${target} has no ${sub}/ directory: real qmail-local would defer here with "Temporary error on maildir delivery. (#4.3.0)"` };
    }
    if (!may(ss.meta, uid, gid, 3)) return { defer: 'Temporary error on maildir delivery. (#4.3.0)', text: `the user may not write ${dir}/${sub}/` };
  }
  return { text: '' };
}

