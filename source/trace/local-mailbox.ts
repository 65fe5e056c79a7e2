// What qmail-local's maildir() and mailfile() would meet at a mailbox line,
// judged before it writes (nothing is written here): a defer with qmail's
// own words, or the line's outcome with what is worth saying about it.
import type { DotQmailFile } from '../qmail/model-types.js';
import { Access, errorStr, may } from './access.js';
import { ownerAssumed, type FileMeta } from '../sysroot/sysroot.js';
import { isTempErrno } from './getpw.js';
import type { LocalAction } from './local-types.js';

/**
 * What a deferral at this line does in qmail-local (the first failing line ends
 * the run, exit 111): earlier lines stay done and run again on each retry,
 * later lines are not reached, the forwards collected so far are not sent.
 * Said before the failing line is listed (it is not among the actions).
 */
export function deferConsequences(file: DotQmailFile, lineNo: number, actions: LocalAction[]): string {
  const later = file.lines.filter((x) => x.line > lineNo && x.kind !== 'blank' && x.kind !== 'comment');
  const earlier = actions.filter((a) => a.kind === 'maildir' || a.kind === 'mbox' || a.kind === 'program').length;
  const parts = [
    'qmail-local stops there with exit 111 and qmail-send retries later (until the cause is mended, or until queuelifetime runs out and the message bounces)',
    earlier > 0 ? `the ${earlier} mailbox or program line${earlier > 1 ? 's' : ''} before it ha${earlier > 1 ? 've' : 's'} already run and run${earlier > 1 ? '' : 's'} again on each retry` : '',
    later.length > 0 ? `line ${later[0].line}${later.length > 1 ? ` and the ${later.length - 1} delivery line${later.length > 2 ? 's' : ''} after it are` : ' is'} not carried out` : '',
  ].filter(Boolean);
  return `; ${parts.join('; ')}${collectedNote(actions)}`;
}

export function collectedNote(actions: LocalAction[]): string {
  const n = actions.filter((a) => a.kind === 'forward' && !a.immediate).length;
  return n ? `; the ${n} forward${n > 1 ? 's' : ''} collected so far ${n > 1 ? 'are' : 'is'} not sent` : '';
}

export type Check = { defer?: string; text: string };

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
    if (!may(s.meta, uid, gid, 2)) return { defer: `Unable to open ${written}: access denied. (#4.2.1)`, text: `the user may not write it (${ownerMode(s.meta)})` };
    return { text: '' };
  }
  const parent = target.slice(0, target.lastIndexOf('/')) || '/';
  const ps = access.stat(parent);
  if (!('meta' in ps)) return { defer: `Unable to open ${written}: file does not exist. (#4.2.1)`, text: `its directory ${parent} does not exist` };
  if (!may(ps.meta, uid, gid, 3)) return { defer: `Unable to open ${written}: access denied. (#4.2.1)`, text: `it does not exist and the user may not create it in ${parent} (${ownerMode(ps.meta)})` };
  return { text: 'created on first delivery' };
}

const CHDIR = 'Unable to chdir to maildir. (#4.2.1)';
const TEMP = 'Temporary error on maildir delivery. (#4.3.0)';
const oct = (m: number) => m.toString(8).padStart(4, '0');
/** "owner N, mode M", and which rule gave the owner when .fsmeta did not list it. */
const ownerMode = (m: FileMeta): string => {
  const assumed = ownerAssumed(m);
  return `owner ${m.uid}${assumed ? ' — ' + assumed + ' —' : ''}, mode ${oct(m.mode)}`;
};

/** The delivering user, as qmail-lspawn gives it (the fix names who must own the maildir). */
export interface Deliverer {
  name: string;
  uid: number;
  gid: number;
  /** sudo -u takes a name only when passwd gives it this uid (an assign user need not be in passwd). */
  inPasswd: boolean;
}

/** A command run as the delivering user, so that what it creates is theirs. */
const asUser = (u: Deliverer, cmd: string): string => `sudo -u ${u.inPasswd ? u.name : `'#${u.uid}' -g '#${u.gid}'`} ${cmd}`;

/** What to do about a chdir that fails for good (maildir_child exit 2). */
function chdirFix(access: Access, dir: string, at: string, errno: string, u: Deliverer): string {
  const make = asUser(u, `maildirmake ${dir}`);
  if (errno === 'ENOENT') {
    if (at === dir) return `it does not exist; fix: create it as the delivering user, \`${make}\` (the maildir must belong to ${u.name})`;
    return `${at} does not exist; fix: \`${asUser(u, `mkdir -p ${dir.slice(0, dir.lastIndexOf('/')) || '/'}`)}\`, then \`${make}\` (the maildir must belong to ${u.name})`;
  }
  const s = access.stat(at);
  const meta = 'meta' in s ? ` (${ownerMode(s.meta)})` : '';
  if (errno === 'ENOTDIR') {
    return at === dir
      ? `${dir} is not a directory${meta}; fix: move it away and \`${make}\`, or end the line without "/" if it is meant as an mbox file`
      : `${at} is not a directory${meta}, so ${dir} cannot be reached`;
  }
  if (errno === 'EACCES') {
    return at === dir
      ? `${u.name} (uid ${u.uid}) may not enter ${dir}${meta}; fix: \`chown -R ${u.uid}:${u.gid} ${dir}\` (the maildir must belong to the delivering user)`
      : `${u.name} (uid ${u.uid}) may not search ${at}${meta}, so ${dir} cannot be entered`;
  }
  return `chdir to ${dir} fails at ${at} (${errorStr(errno)})`;
}

/** tmp/ and new/ as maildir_child uses them: stat and create in tmp/ (open_excl), then link() into new/. */
function subdirProblem(access: Access, dir: string, sub: 'tmp' | 'new', u: Deliverer): string | null {
  const p = `${dir}/${sub}`;
  const s = access.stat(p);
  const does = sub === 'tmp' ? 'creating the message file tmp/TIME.PID.HOST fails' : 'linking the message into new/ fails';
  if ('missing' in s) return `${dir} has no ${sub}/ directory: ${does} (file does not exist); fix: \`${asUser(u, `mkdir -m 700 ${p}`)}\` (a maildir needs tmp/, new/ and cur/, all ${u.name}'s)`;
  if ('error' in s) return `${p} cannot be read (${errorStr(s.error)}): ${does}`;
  if (s.meta.kind !== 'dir') return `${p} is not a directory (${ownerMode(s.meta)}): ${does} (not a directory); fix: move it away and \`${asUser(u, `mkdir -m 700 ${p}`)}\``;
  if (!may(s.meta, u.uid, u.gid, 3)) {
    return `${u.name} (uid ${u.uid}) may not write ${p}/ (${ownerMode(s.meta)}): ${does} (access denied); fix: \`chown -R ${u.uid}:${u.gid} ${dir}\` (the maildir must belong to the delivering user)`;
  }
  return null;
}

/**
 * qmail-local's maildir(): a child (maildir_child) chdirs into the
 * directory, creates tmp/TIME.PID.HOST exclusively, writes and fsyncs it and
 * links it into new/; the child's exit code is the outcome: 2, chdir failing
 * for good → "Unable to chdir to maildir."; 1, chdir failing with an
 * error_temp errno or any later step failing → "Temporary error on maildir
 * delivery."; 3 (the 24-hour alarm) and 4 (the message unreadable) happen
 * only while it writes, which the walk does not do. cur/ is not used.
 */
export function checkMaildir(access: Access, target: string, u: Deliverer): Check {
  const dir = target.replace(/\/+$/, '') || '/';
  const block = access.blockedAt(dir, u.uid, u.gid, true);
  if (block) {
    if (isTempErrno(block.errno)) return { defer: TEMP, text: `chdir to ${dir} fails at ${block.at} with a temporary error (${errorStr(block.errno)}): maildir_child exits 1` };
    return { defer: CHDIR, text: chdirFix(access, dir, block.at, block.errno, u) };
  }
  for (const sub of ['tmp', 'new'] as const) {
    const p = subdirProblem(access, dir, sub, u);
    if (p) return { defer: TEMP, text: p };
  }
  const cur = access.stat(dir + '/cur');
  if (!('meta' in cur) || cur.meta.kind !== 'dir') return { text: 'it has no cur/: qmail-local does not need it, a mail reader does' };
  return { text: '' };
}
