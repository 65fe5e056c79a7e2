// qmail-local (qmail-local.c), as its own top-level functions in its own
// order over one run's state (local-types.ts LocalRun): the home directory
// (checkhome), the environment, the Delivered-To loop check (bouncexf), the
// .qmail search (qmesearch, local-search.ts), NEWSENDER (qmeox), then each
// line of the chosen file or of the default delivery (maildir, mailfile,
// mailprogram, forwards). Nothing is run or written: each line says what
// qmail-local would do. A line that runs a manager's program is followed by
// that manager's handler.
import type { DotQmailFile, DotQmailLine } from '../qmail/model-types.js';
import { parseDotQmail } from '../qmail/dotqmail.js';
import { managerOfArgv } from '../qmail/managers.js';
import type { ManagerDescriptor } from '../qmail/manager-types.js';
import { normalizeSystemPath, ownerAssumed } from '../sysroot/sysroot.js';
import { errorStr, may } from './access.js';
import { extCuts, hostCuts, literalExit, mailboxPath, myctime, quote2, shellWords } from './local-text.js';
import { modeStr, newSender, qmesearch, type Found } from './local-search.js';
import { checkMaildir, checkMbox, collectedNote, deferConsequences, type Deliverer } from './local-mailbox.js';
import type { LocalEnd, LocalInput, LocalResult, LocalRun, LocalStop } from './local-types.js';
import type { ManagerHandler, ManagerResult } from './types.js';

export type { LocalAction, LocalEnd, LocalInput, LocalResult } from './local-types.js';

const q = (s: string) => JSON.stringify(s);
const STAGE = 'qmail-local' as const;
const NO_MAILBOX = 'Sorry, no mailbox here by that name. (#5.1.1)';
const LOOPING = 'This message is looping: it already has my Delivered-To line. (#5.4.6)';
const USAGE = 'qmail-local: usage: qmail-local [ -nN ] user homedir local dash ext domain sender aliasempty';

/** The instructions qmail-local carries out: the chosen file's, or the default delivery's (qmail-start's aliasempty). */
interface Instructions {
  file: DotQmailFile;
  forwardOnly: boolean;
  usingDefault: boolean;
  /** Where the default delivery came from (every step about its lines points there). */
  ddPath?: string;
  ddLine?: number;
  /** The sender of forwarded copies (NEWSENDER). */
  newsender: string;
}

export function qmailLocal(inp: LocalInput): LocalResult {
  const user = inp.user;
  const run: LocalRun = {
    inp,
    user,
    uid: user.uid,
    gid: user.gid,
    home: user.home,
    homeDir: normalizeSystemPath(user.home),
    patrn: inp.inst.consts().patrn,
    steps: [],
    actions: [],
    needs: [],
    env: {},
    dotqmail: null,
  };
  const end = runLocal(run);
  return { dotqmail: run.dotqmail, env: run.env, steps: run.steps, actions: run.actions, end, needs: run.needs };
}

/** main(): each phase in turn; the first that stops qmail-local gives the end. */
function runLocal(run: LocalRun): LocalEnd {
  const stop = checkhome(run) ?? (setRecipientEnv(run), bouncexf(run));
  if (stop) return stop;
  setSenderEnv(run);
  const s = qmesearch(run);
  if ('stop' in s) return s.stop;
  if (!s.found && run.user.dash !== '') {
    return stopWith(run, 'bounce', NO_MAILBOX, `no .qmail file matches and the dash is ${q(run.user.dash)} (not empty) → bounce: ${NO_MAILBOX}`);
  }
  const ns = newSender(run, run.inp.sender);
  if ('stop' in ns) return ns.stop;
  run.env.NEWSENDER = ns.sender;
  const shownEnv = ['EXT', 'EXT2', 'EXT3', 'EXT4', 'HOST2', 'HOST3', 'HOST4', 'DEFAULT', 'NEWSENDER'].map((k) => (k in run.env ? `${k}=${q(run.env[k])}` : `${k} unset`)).join(' ');
  run.steps.push({ stage: STAGE, text: `environment for programs: ${shownEnv}` });
  const ins = instructions(run, s.found, ns.sender);
  if ('stop' in ins) return ins.stop;
  return deliverLines(run, ins);
}

/** Say why qmail-local stops, and stop. */
function stopWith(run: LocalRun, kind: LocalStop['kind'], reason: string, text: string, path?: string): LocalStop {
  run.steps.push({ stage: STAGE, text, path });
  return { kind, reason };
}

/** chdir(homedir) as the user, then checkhome(): not writable by conf-patrn, not sticky. */
function checkhome(run: LocalRun): LocalStop | null {
  const { home, uid, gid, user, patrn } = run;
  const { access } = run.inp;
  if (!home.startsWith('/')) return stopWith(run, 'bounce', USAGE, `home ${q(home)} does not begin with /: qmail-local stops with a usage error, exit 100 → bounce`);
  const reach = access.reach(home + '/.', uid, gid);
  const hs = access.stat(home);
  const chdirErr = reach ?? ('missing' in hs ? 'ENOENT' : 'error' in hs ? hs.error : hs.meta.kind !== 'dir' ? 'ENOTDIR' : !may(hs.meta, uid, gid, 1) ? 'EACCES' : null);
  if (chdirErr || !('meta' in hs)) {
    const why = errorStr(chdirErr ?? 'ENOENT');
    const reason = `Unable to switch to ${home}: ${why}. (#4.3.0)`;
    return stopWith(run, 'defer', reason, `cd ${home} as ${user.name} fails (${why}) → defer: ${reason}`);
  }
  const mode = hs.meta.mode;
  if (mode & patrn) {
    const reason = 'Uh-oh: home directory is writable. (#4.7.0)';
    return stopWith(run, 'defer', reason, `home ${home} has mode ${modeStr(mode)}, which has bits of conf-patrn ${modeStr(patrn)} → defer: ${reason}`, home);
  }
  if (mode & 0o1000) {
    const reason = 'Home directory is sticky: user is editing his .qmail file. (#4.2.1)';
    return stopWith(run, 'defer', reason, `home ${home} has the sticky bit (mode ${modeStr(mode)}) → defer: ${reason}`, home);
  }
  const assumed = ownerAssumed(hs.meta);
  const owner = assumed ? `; its owner uid ${hs.meta.uid} is ${assumed}` : '';
  run.steps.push({ stage: STAGE, text: `runs as ${user.name} (uid ${uid}, gid ${gid}); home ${home} mode ${modeStr(mode)}: not writable by conf-patrn ${modeStr(patrn)}, not sticky${owner}`, path: home });
  return null;
}

/** HOST, HOME, USER, LOCAL, RECIPIENT and DTLINE, in qmail-local's order. */
function setRecipientEnv(run: LocalRun): void {
  const { local, domain } = run.inp;
  const recipient = local + '@' + domain;
  const env = run.env;
  env.HOST = domain;
  env.HOME = run.home;
  env.USER = run.user.name;
  env.LOCAL = local;
  env.RECIPIENT = recipient;
  env.DTLINE = 'Delivered-To: ' + recipient.replace(/\n/g, '_') + '\n';
}

/** DTLINE without its newline: the line a copy carries, and the one the loop check looks for. */
const dtNoNl = (run: LocalRun): string => run.env.DTLINE.slice(0, -1);

/** bouncexf(): a header line byte for byte equal to DTLINE is a loop. */
function bouncexf(run: LocalRun): LocalStop | null {
  const dt = dtNoNl(run);
  const lines = run.inp.headerLines;
  if (lines.some((l) => l === dt)) return stopWith(run, 'loop', LOOPING, `the message already has the line ${q(dt)} → bounce: ${LOOPING}`);
  if (lines.length > 0) {
    const n = lines.filter((l) => /^delivered-to:/i.test(l)).length;
    run.steps.push({ stage: STAGE, text: `loop check: no header line equals ${q(dt)} (${n} Delivered-To line${n === 1 ? '' : 's'} in the copy)` });
  }
  return null;
}

/** SENDER, RPLINE, UFLINE, EXT..EXT4, HOST2..HOST4. */
function setSenderEnv(run: LocalRun): void {
  const { sender, now, domain } = run.inp;
  const env = run.env;
  env.SENDER = sender;
  env.RPLINE = 'Return-Path: <' + quote2(sender).replace(/\n/g, '_') + '>\n';
  env.UFLINE = 'From ' + (sender === '' ? 'MAILER-DAEMON' : sender.replace(/[ \t\n]/g, '-')) + ' ' + myctime(now);
  const ext = run.user.ext;
  const [e2, e3, e4] = extCuts(ext);
  env.EXT = ext;
  env.EXT2 = e2;
  env.EXT3 = e3;
  env.EXT4 = e4;
  const [h2, h3, h4] = hostCuts(domain);
  env.HOST2 = h2;
  env.HOST3 = h3;
  env.HOST4 = h4;
}

/** The file's lines, or the default delivery for no file / a 0-byte file (slurpclose, then aliasempty). */
function instructions(run: LocalRun, found: Found | null, newsender: string): Instructions | { stop: LocalStop } {
  if (!found || found.size === 0) return defaultInstructions(run, found, newsender);
  const path = run.dotqmail as string;
  const rd = run.inp.access.readAs(path, run.uid, run.gid);
  if (rd === null || !rd.ok) {
    const why = rd === null ? 'file does not exist' : rd.reason;
    const reason = `Unable to open ${found.name}: ${why}. (#4.3.0)`;
    return { stop: stopWith(run, 'defer', reason, `${found.name} cannot be read (${why}) → defer: ${reason}`, path) };
  }
  if (rd.buf.length === 0) return defaultInstructions(run, found, newsender);
  if (found.forwardOnly) run.steps.push({ stage: STAGE, text: `${found.name} has the user-x bit (0100): forward-only; a file or program line in it defers`, path });
  return { file: parseDotQmail(path, rd.buf), forwardOnly: found.forwardOnly, usingDefault: false, newsender };
}

function defaultInstructions(run: LocalRun, found: Found | null, newsender: string): Instructions {
  const dd = run.inp.inst.defaultDelivery();
  const ddPath = dd.path ?? undefined;
  const ddLine = dd.line ?? undefined;
  run.steps.push({
    stage: STAGE,
    text: `${found ? `${found.name} is empty (0 bytes)` : 'no .qmail file and the dash is empty'}: the default delivery applies: ${q(dd.text)} — ${dd.explanation}`,
    path: ddPath,
    line: ddLine,
  });
  const file = parseDotQmail(dd.path ?? '(default delivery)', dd.text === '' ? '\n' : dd.text);
  return { file, forwardOnly: false, usingDefault: true, ddPath, ddLine, newsender };
}

/** A step about one line: it points at the line, or at where the default delivery came from. */
function lineStep(run: LocalRun, ins: Instructions, n: number, text: string): void {
  run.steps.push(ins.usingDefault ? { stage: STAGE, text, path: ins.ddPath, line: ins.ddLine } : { stage: STAGE, text, path: ins.file.path, line: n });
}

/** What one line does: nothing (a comment), a delivery, or qmail-local stopping. */
type LineOutcome = 'none' | 'delivered' | LocalStop;

/** Each line in order; the first that stops qmail-local ends the run. */
function deliverLines(run: LocalRun, ins: Instructions): LocalEnd {
  let delivered = false;
  for (const l of ins.file.lines) {
    const r = deliverLine(run, ins, l);
    if (typeof r === 'object') return r;
    if (r === 'delivered') delivered = true;
  }
  if (!delivered) {
    run.steps.push({ stage: STAGE, text: `${ins.usingDefault ? 'the default delivery' : ins.file.path} has no delivery line: qmail-local accepts the message and delivers nothing (did 0+0+0)`, path: run.dotqmail ?? undefined });
  }
  return { kind: 'ok', delivered };
}

function deliverLine(run: LocalRun, ins: Instructions, l: DotQmailLine): LineOutcome {
  const shown = q(l.raw.replace(/[ \t]+$/, ''));
  switch (l.kind) {
    case 'blank':
      if (l.line !== 1) return 'none';
      lineStep(run, ins, l.line, 'line 1 is blank → defer: Uh-oh: first line of .qmail file is blank. (#4.2.1)');
      return { kind: 'defer', reason: 'Uh-oh: first line of .qmail file is blank. (#4.2.1)' };
    case 'comment':
      if (l.flag === 'list') {
        ins.forwardOnly = true;
        lineStep(run, ins, l.line, `line ${l.line} "+list": forward-only from here on; a later file or program line defers`);
      }
      return 'none';
    case 'mbox':
    case 'maildir':
      return mailboxLine(run, ins, l, shown);
    case 'program':
      return programLine(run, ins, l, shown);
    case 'forward':
      run.actions.push({ kind: 'forward', target: l.target, immediate: false, deliveredTo: dtNoNl(run), sender: ins.newsender });
      lineStep(run, ins, l.line, `line ${l.line} ${shown} → forward to ${q(l.target)} (collected; re-injected when the file is done, sender ${q(ins.newsender)})`);
      return 'delivered';
  }
}

/** A file or program line in forward-only mode (the x bit, or after +list): qmail-local defers. */
function forwardOnlyStop(run: LocalRun, ins: Instructions, l: DotQmailLine, shown: string, what: 'file' | 'prog'): LocalStop {
  const reason = `Uh-oh: .qmail has ${what} delivery but has x bit set. (#4.7.0)`;
  lineStep(run, ins, l.line, `line ${l.line} ${shown} is a ${what === 'file' ? 'file' : 'program'} line in forward-only mode → defer: ${reason}${collectedNote(run.actions)}`);
  return { kind: 'defer', reason };
}

/** A file line: maildir() for one ending in "/", else mailfile(). */
function mailboxLine(run: LocalRun, ins: Instructions, l: DotQmailLine, shown: string): LineOutcome {
  if (ins.forwardOnly) return forwardOnlyStop(run, ins, l, shown, 'file');
  const isDir = l.kind === 'maildir';
  const target = mailboxPath(run.homeDir, l.target, isDir);
  const { access } = run.inp;
  const chk = isDir ? checkMaildir(access, target, deliverer(run)) : checkMbox(access, target, l.target, run.uid, run.gid);
  if (chk.defer) {
    lineStep(run, ins, l.line, `line ${l.line} ${shown} → ${l.kind} ${target}: ${chk.text} → defer: ${chk.defer}${deferConsequences(ins.file, l.line, run.actions)}`);
    return { kind: 'defer', reason: chk.defer };
  }
  run.actions.push({ kind: isDir ? 'maildir' : 'mbox', target });
  lineStep(run, ins, l.line, `line ${l.line} ${shown} → ${l.kind} ${target}${isDir ? '' : ' (appended, From_ line first)'}${chk.text ? ` (${chk.text})` : ''}`);
  return 'delivered';
}

/** Who must own a maildir this run delivers to (the fix a defer gives names them). */
function deliverer(run: LocalRun): Deliverer {
  const pw = run.inp.users.byName(run.user.name);
  return { name: run.user.name, uid: run.uid, gid: run.gid, inPasswd: pw !== null && pw.uid === run.uid };
}

/** mailprogram(): never run; a manager's program is followed by its handler, any other is assumed to exit 0. */
function programLine(run: LocalRun, ins: Instructions, l: DotQmailLine, shown: string): LineOutcome {
  if (ins.forwardOnly) return forwardOnlyStop(run, ins, l, shown, 'prog');
  const argv = shellWords(l.target, run.env);
  const m = managerOfArgv(argv);
  const handler = m ? run.inp.managers?.[m.kind] : undefined;
  if (m && !handler) run.needs.push({ kind: 'handler', manager: m.kind });
  const res = m && handler ? callManager(run, ins, l, m, handler, argv) : null;
  if (m && res) {
    lineStep(run, ins, l.line, `line ${l.line} ${shown} runs ${m.program}: followed inside`);
    return managerActions(run, res);
  }
  run.actions.push({ kind: 'program', target: l.target });
  const note = m ? ` (${m.name}'s ${m.program}; not followed here)` : '';
  lineStep(run, ins, l.line, `line ${l.line} ${shown} → program ${q(l.target)}${note}, run by /bin/sh -c in ${run.home}; never run by qlens: assumed to exit 0 (99 would skip the lines after it, 100 would bounce, 111 would defer)`);
  const known = literalExit(l.target);
  if (known) run.steps.push({ stage: STAGE, warn: true, text: `this command is ${known}; the walk still follows the exit-0 ruling`, path: ins.file.path, line: l.line });
  return 'delivered';
}

/** The manager's handler, given what qmail-local would give its program. */
function callManager(run: LocalRun, ins: Instructions, l: DotQmailLine, m: ManagerDescriptor, handler: ManagerHandler, argv: string[]): ManagerResult | null {
  const { inp, user, uid, gid } = run;
  const res = handler({
    kind: m.kind,
    sysroot: inp.access.sysroot,
    installation: inp.inst,
    users: inp.users,
    command: l.target,
    argv,
    path: ins.file.path,
    line: l.line,
    hop: { index: inp.hopIndex, recipient: inp.recipient, local: inp.local, domain: inp.domain, user, dotqmail: run.dotqmail },
    env: { ...run.env },
    sender: inp.sender,
    headerLines: inp.headerLines,
    readAsUser: (p) => inp.access.readAs(p, uid, gid),
    now: inp.now,
  });
  if (res?.needs) for (const n of res.needs) run.needs.push(n);
  return res;
}

/** The manager's outcomes as qmail-local's: its forwards go out at once; its bounce, defer or loop is the program's exit. */
function managerActions(run: LocalRun, res: ManagerResult): LineOutcome {
  for (const st of res.steps) run.steps.push(st); // no spread: a 10 MB .qmail gives more steps than call arguments allow
  for (const a of res.actions) {
    if (a.kind === 'forward') run.actions.push({ kind: 'forward', target: a.target, immediate: true, deliveredTo: a.deliveredTo ?? dtNoNl(run), sender: a.sender ?? run.inp.sender });
    else if (a.kind === 'bounce' || a.kind === 'defer') return { kind: a.kind, reason: a.target };
    else if (a.kind === 'loop') return { kind: 'loop', reason: a.target ?? 'mail is looping' };
    else run.actions.push({ kind: a.kind, target: a.target });
  }
  return 'delivered';
}
