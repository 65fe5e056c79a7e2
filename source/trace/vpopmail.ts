// vpopmail's vdelivermail, imitated step by step (virtual-domain-managers.md
// §2): which vpasswd.cdb record, which user .qmail, which catch-all, and what
// each line would do. It reads the files vdelivermail reads and never runs
// anything. The result is a list of steps (stage `vdelivermail`) and actions
// the walk turns into deliveries and forward hops.
import type { Sysroot } from '../sysroot/sysroot.js';
import { normalizeSystemPath } from '../sysroot/sysroot.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { Installation, UsersCdb } from '../qmail/model-types.js';
import { loadInstallation } from '../qmail/installation.js';
import { injectComplete } from './send.js';
import {
  BOUNCE_MAIL,
  classifyCatchAll,
  describeGidFlags,
  invalidUserChars,
  isVdelivermail,
  openVpasswdCdb,
  overQuota,
  parseMaildirsize,
  parseQuota,
  parseVpasswdText,
  parseVpasswdValue,
  vpasswdCdbGet,
  vpopLower,
  type Quota,
  type VpasswdEntry,
  type VpopmailBuild,
} from '../qmail/vpopmail.js';
import { loadVpopmailBuild, vgetAssign, vpopmailHome } from '../qmail/vpopmail-domain.js';
import { readQuiet, statQuiet } from '../qmail/quiet-read.js';
import { programArgv } from '../qmail/program-line.js';
import { cdbUserLookup, readUser, valiasKeys, type VdmState, type VpopmailUserLookup } from './vpopmail-lookup.js';
import { sqlUserLookup, type VpopmailSqlAccess } from './vpopmail-sql.js';
import type { ManagerAction, ManagerHandler, ManagerInput, ManagerResult, ReadAsUser, TraceSession, TraceStep } from './types.js';

/** Everything vdelivermail would see, gathered by the caller (the walk's hook, or a test). */
export interface VdmContext {
  sysroot: Sysroot;
  /** qmail installation root (for users/cdb, control/defaultdelivery, qmail-inject's control files). */
  qmailRoot: string;
  usersCdb: () => UsersCdb;
  /** argv after /bin/sh: [program, arg1, arg2, ...]. */
  argv: string[];
  env: Readonly<Record<string, string>>;
  /** Header lines of the copy on stdin (Delivered-To lines of its chain, --message). */
  headerLines: readonly string[];
  /** Index of the hop (0 = the first copy: a Delivered-To match there came with the message itself). */
  hopIndex: number;
  /** The uid (and gid) qmail-local runs the program as. */
  runUid: number;
  runGid?: number;
  readAsUser: (path: string) => ReadAsUser;
  /** The program line's evidence. */
  path: string;
  line: number;
  /** Build options; default read from the installed header (or vpopmail 5.4 defaults). */
  build?: VpopmailBuild;
  /** VPOPMAILDIR; default from the program path or the vpopmail passwd user. */
  vpopmailHome?: string;
  /** The installation (for qmail-inject's control files); loaded from qmailRoot when absent. */
  installation?: Installation;
  /** Message size for quota checks (default 0: only a maildir already at or over its quota bounces). */
  messageSize?: number;
  /** The records of an SQL backend (vpopmail built --enable-auth-module=mysql); absent: this caller reads no database. */
  sql?: VpopmailSqlAccess;
}

const DEFAULT_NO_USER = 'Sorry, no mailbox here by that name. (#5.1.1)';

/** Exit statuses a program line may end with, in words (the walk assumes 0). */
const NO_MAILDROP = 0x40000;

const PROGRAM_EXITS = 'the walk assumes exit 0; 99 would stop vdelivermail at once (success, later lines skipped), 64/65/70/76/77/78/100/112 bounce, any other status defers';

class Stop extends Error {}

class Run {
  steps: TraceStep[] = [];
  actions: ManagerAction[] = [];
  constructor(readonly ctx: VdmContext) {}
  step(text: string, path?: string, line?: number, warn?: boolean): void {
    const s: TraceStep = { stage: 'vdelivermail', text };
    if (path) s.path = path;
    if (line) s.line = line;
    if (warn) s.warn = true;
    this.steps.push(s);
  }
  end(kind: 'bounce' | 'defer' | 'discard', target: string, why: string, path?: string, line?: number): never {
    this.step(why, path, line);
    this.actions.push({ kind, target });
    throw new Stop();
  }
  /** vdelivermail exits 0 here; what it delivered is already in the actions. */
  done(): never {
    throw new Stop();
  }
  loop(why: string): never {
    this.step(why);
    // hop 0: the Delivered-To line came with the message (--message), so it is a plain bounce.
    if (this.ctx.hopIndex === 0) this.actions.push({ kind: 'bounce', target: 'mail is looping' });
    else this.actions.push({ kind: 'loop' });
    throw new Stop();
  }
}

function joinPath(dir: string, rel: string): string {
  const n = normalizeSystemPath(rel.startsWith('/') ? rel : `${dir}/${rel}`);
  return rel.endsWith('/') && n !== '/' ? n + '/' : n;
}

/** qmail-inject's completion of the address vdelivermail hands it (the walk's own rwgeneric rules). */
function injectQualify(run: Run, addr: string): { address: string; note: string | null } {
  const ctx = run.ctx;
  const inst = ctx.installation ?? loadInstallation(ctx.sysroot, ctx.qmailRoot);
  const r = injectComplete(inst, addr);
  return { address: r.address, note: r.steps.length ? r.steps.map((s) => s.text).join('; ') : null };
}

/** Does a header line equal `Delivered-To: addr` (is_loop_match: case-insensitive)? */
function headerHas(lines: readonly string[], addr: string): boolean {
  const want = `delivered-to: ${addr}`.toLowerCase();
  return lines.some((l) => l.replace(/\r$/, '').toLowerCase() === want);
}

/** The Delivered-To vdelivermail writes on a forwarded copy: DTLINE with `domain-` cut off the local part. */
export function vdmForwardDeliveredTo(env: Readonly<Record<string, string>>, address: string): string {
  const dt = env.DTLINE;
  if (dt === undefined || dt.length < 15) return `Delivered-To: ${address}`;
  const rest = dt.slice(14).replace(/\n$/, '');
  const at = rest.indexOf('@');
  if (at < 0) return `Delivered-To: ${rest}`;
  const afterAt = rest.length - at - 1 + 1; // domain length plus the newline, as the C code counts
  return `Delivered-To: ${rest.slice(afterAt)}`;
}

/** A message text file (.no-user.msg, .over-quota.msg): D first, then V/domains. */
function messageText(run: Run, st: VdmState, name: string, fallback: string): { text: string; path: string | null } {
  const cands = [st.domainDir ? `${st.domainDir}/${name}` : null, `${st.vhome}/${st.build.domainsDir}/${name}`].filter((x): x is string => x !== null);
  for (const p of cands) {
    // Opened as the delivery user: a text it may not read is as good as absent (fopen fails).
    const r = readUser(run, p);
    if (r && 'buf' in r) return { text: decodeBytes(r.buf).replace(/\s+$/, ''), path: p };
  }
  return { text: fallback, path: null };
}

/** Deliver to a Maildir (deliver_mail for a `.`/`/` line, or the user's own Maildir with its pw_shell quota). */
function deliverMaildir(run: Run, st: VdmState, maildir: string, quotaText: string | null, why: string, path?: string, line?: number): void {
  const { sysroot } = run.ctx;
  if (st.build.spamassassin) {
    run.step(`spamassassin build: the message passes through spamc first; spam may be discarded (DELETE_SPAM flag or the domain's delete_spam limit) or filed in .Junk, which depends on the message`, st.build.path ?? undefined, undefined, true);
  }
  if (st.build.maildrop && st.vpw && (st.vpw.gid & NO_MAILDROP) === 0) {
    const cmd = `preline ${st.build.maildropProg}`;
    run.step(`${why}: maildrop build, and the user has no NO_MAILDROP flag, so the message is piped to "${cmd}" instead of being written to ${maildir} (unless the domain's .qmailadmin-limits disables maildrop); never run by qlens (${PROGRAM_EXITS})`, path, line);
    run.actions.push({ kind: 'program', target: cmd });
    return;
  }
  const dirNoSlash = maildir.replace(/\/+$/, '');
  const tmp = statQuiet(sysroot, `${dirNoSlash}/tmp`);
  const nw = statQuiet(sysroot, `${dirNoSlash}/new`);
  // Quota: the user's pw_shell for its own Maildir, else the first line of the maildir's maildirsize.
  let quota: Quota;
  let quotaFrom: string;
  const ms = readQuiet(sysroot, `${dirNoSlash}/maildirsize`);
  const sizes = 'buf' in ms ? parseMaildirsize(ms.buf) : null;
  if (quotaText !== null) {
    quota = parseQuota(quotaText);
    quotaFrom = `quota "${quotaText}" from the ${st.vpw?.source === 'sql' ? "user's pw_shell column" : 'vpasswd record'}`;
  } else if (sizes) {
    quota = sizes.quota;
    quotaFrom = `quota from the first line of ${dirNoSlash}/maildirsize`;
  } else {
    quota = { kind: 'none' };
    quotaFrom = `no ${dirNoSlash}/maildirsize, so no quota is enforced`;
  }
  if (quota.kind === 'limit') {
    const used = sizes ?? { usedBytes: 0, usedCount: 0 };
    const q = overQuota(quota, used, run.ctx.messageSize ?? 0);
    const usedWords = sizes ? `maildirsize shows ${used.usedBytes} bytes in ${used.usedCount} messages` : 'no maildirsize to judge usage from (vpopmail would count the Maildir)';
    if (q.over) {
      const m = messageText(run, st, '.over-quota.msg', 'user is over quota');
      run.end('bounce', m.text, `${quotaFrom}; ${usedWords}: over quota ${quota.text} → bounce (exit 100)${m.path ? `, text from ${m.path}` : ''}. Judged from maildirsize, which can lag the Maildir`, m.path ?? `${dirNoSlash}/maildirsize`);
    }
    run.step(`${quotaFrom}; ${usedWords}: under ${quota.text}${q.percent !== null && q.percent >= 90 ? ` (at ${Math.floor(q.percent)}%: a .quotawarn.msg warning would be dropped once a day)` : ''}. A larger message could still bounce as over quota`);
  } else if (quota.kind === 'invalid') {
    run.step(`${quotaFrom}: "${quota.text}" is not a quota vpopmail understands`, undefined, undefined, true);
  } else {
    run.step(quotaText !== null ? `${quotaFrom}: no quota check` : quotaFrom);
  }
  if (!tmp || tmp.kind !== 'dir' || !nw || nw.kind !== 'dir') {
    run.end('defer', `${maildir} is not a maildir`, `${why}: ${dirNoSlash}/${!tmp || tmp.kind !== 'dir' ? 'tmp' : 'new'} does not exist, so vdelivermail cannot create its tmp file → "system error", exit 111 (defer)`, path, line);
  }
  const uid = run.ctx.runUid;
  if (uid !== 0 && tmp) {
    const bits = tmp.uid === uid ? (tmp.mode >> 6) & 7 : tmp.gid === run.ctx.runGid ? (tmp.mode >> 3) & 7 : tmp.mode & 7;
    if ((bits & 3) !== 3) {
      run.end('defer', 'system error', `${why}: ${dirNoSlash}/tmp (owner ${tmp.uid}, mode ${tmp.mode.toString(8).padStart(4, '0')}) is not writable by uid ${uid}, so the tmp file cannot be created → "system error", exit 111 (defer)`, `${dirNoSlash}/tmp`);
    }
  }
  run.step(`${why} → maildir ${maildir}`, path, line);
  run.actions.push({ kind: 'maildir', target: maildir });
}

/** One line of a user .qmail, a catch-all directory's .qmail, or defaultdelivery (deliver_mail, §2.3). */
function deliverLine(run: Run, st: VdmState, raw: string, cwd: string, path: string, lineNo: number): void {
  const { ctx } = run;
  if (raw.startsWith('#')) return;
  const loopAddr = raw.startsWith('&') ? raw.slice(1) : raw;
  if (headerHas(ctx.headerLines, loopAddr)) run.loop(`line ${lineNo} "${raw}": the message already has "Delivered-To: ${loopAddr}" → "mail is looping", exit 100`);
  if (raw.startsWith('|')) {
    const cmd = raw.replace(/^[ |]+/, '');
    run.step(`line ${lineNo} "${raw}": vdelivermail runs /bin/sh -c "${cmd}" with SHELL=/bin/sh (never run by qlens; ${PROGRAM_EXITS})`, path, lineNo);
    run.actions.push({ kind: 'program', target: cmd });
    return;
  }
  if (raw.startsWith('.') || raw.startsWith('/')) {
    if (!raw.endsWith('/')) {
      const tail = /[ \t\r]$/.test(raw) ? ' (it ends in a blank or CR, which vdelivermail does not strip)' : '';
      run.end('defer', `can't handle mbox delivery for ${raw}`, `line ${lineNo} "${raw}" does not end in "/"${tail}: vdelivermail cannot deliver to an mbox → exit 111 (defer)`, path, lineNo);
    }
    const target = joinPath(cwd, raw);
    deliverMaildir(run, st, target, null, `line ${lineNo} "${raw}" (relative to ${cwd})`, path, lineNo);
    return;
  }
  const addr = raw.startsWith('&') ? raw.slice(1) : raw;
  if (addr === '') {
    run.end('defer', 'empty forward address', `line ${lineNo} is blank: vdelivermail hands qmail-inject an empty address, which it refuses; the failure status is passed on`, path, lineNo);
  }
  const q = injectQualify(run, addr);
  const dt = vdmForwardDeliveredTo(ctx.env, q.address);
  run.step(`line ${lineNo} "${raw}": forward through qmail-inject to ${q.address}${q.note ? ` (${q.note})` : ''}; the copy carries "${dt}"`, path, lineNo);
  run.actions.push({ kind: 'forward', target: q.address, deliveredTo: dt });
}

/**
 * check_forward_deliver(dir): the delivery file in a user (or catch-all)
 * directory. Returns true when a file with at least one line was processed.
 */
function forwardDeliver(run: Run, st: VdmState, dir: string, forName: string): boolean {
  const base = dir.replace(/\/+$/, '');
  const cands: string[] = [];
  if (st.build.qmailExt && st.ext !== '') {
    cands.push(`.qmail-${st.ext}`);
    for (let i = st.ext.length; i >= 0; i--) {
      if (i === 0 || st.ext[i - 1] === '-') cands.push(`.qmail-${st.ext.slice(0, i)}default`);
    }
  }
  cands.push('.qmail');
  const tried: string[] = [];
  for (const c of cands) {
    const p = `${base}/${c}`;
    const r = readUser(run, p);
    if (r === null) {
      tried.push(`${c}? no`);
      continue;
    }
    if ('denied' in r) {
      // fopen() failing is "no file" to vdelivermail.
      tried.push(`${c}? unreadable (${r.denied}), taken as absent`);
      continue;
    }
    const text = decodeBytes(r.buf);
    if (text.length === 0) {
      run.step(`${[...tried, `${c}? yes, but empty: counts as no file`].join(' · ')}`, p);
      return false;
    }
    run.step(`in ${base}/ for ${forName}: ${[...tried, `${c}? yes`].join(' · ')}; vdelivermail reads it with its own rules, not qmail-local's`, p);
    const parts = text.split('\n');
    if (parts[parts.length - 1] === '') parts.pop();
    let delivering = 0;
    parts.forEach((l, i) => {
      if (l.startsWith('#')) {
        run.step(`line ${i + 1} "${l}": comment`, p, i + 1);
        return;
      }
      delivering++;
      deliverLine(run, st, l, base, p, i + 1);
    });
    if (delivering === 0) {
      run.step(`${c} holds only comments: it still counts as found, so nothing is delivered and vdelivermail exits 0`, p);
      run.actions.push({ kind: 'discard', target: `${p} holds only comments: vdelivermail accepts the message and keeps nothing` });
    }
    return true;
  }
  run.step(`in ${base}/ for ${forName}: ${tried.join(' · ')}`);
  return false;
}

/** checkuser() and what follows it (§2.2 steps 7–9a). */
function checkUser(run: Run, st: VdmState, vpw: VpasswdEntry): void {
  const { ctx } = run;
  if (vpw.gid & BOUNCE_MAIL) {
    run.end('bounce', `vdelivermail: account is locked email bounced ${st.user}@${st.domain}`, `flags ${vpw.gid} include BOUNCE_MAIL (0x10, vmoduser -b): every message bounces (exit 100)`);
  }
  if (vpw.gid !== 0) run.step(`flags ${describeGidFlags(vpw.gid)} do not affect delivery`);
  let dir = vpw.dir.replace(/\/+$/, '');
  // A directory vdelivermail makes now holds no .qmail, and its new Maildir has tmp/ and new/.
  let fresh = false;
  if (dir === '') {
    // make_user_dir: the domain's next hash slot, as the backend keeps it.
    const slot = st.lookup.dirSlot(run, st);
    dir = `${st.domainDir}/${slot.slot ? slot.slot + '/' : ''}${vpw.name}`;
    fresh = true;
    run.step(`the record's directory is empty: vdelivermail makes one now in the domain's next hash slot (predicted ${dir} from ${slot.from}; the real slot depends on the counter at delivery time)`, slot.path, undefined, true);
  } else if (!statQuiet(ctx.sysroot, dir)) {
    run.step(`${dir} does not exist: vdelivermail re-creates it with its Maildir (vmake_maildir) before delivering`, undefined, undefined, true);
    fresh = true;
  }
  if (fresh) run.step(`no ${dir}/.qmail: the directory is new`);
  else if (forwardDeliver(run, st, dir, `${st.user}@${st.domain}`)) return;
  if (st.build.defaultDelivery) {
    const p = `${ctx.qmailRoot}/control/defaultdelivery`;
    const r = readQuiet(ctx.sysroot, p);
    if ('buf' in r) {
      const lines = decodeBytes(r.buf).split('\n');
      let delivered = 0;
      let sawVdm = false;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        if (l === '' && i === lines.length - 1) break;
        if (l.startsWith('#')) continue;
        if (l.includes('vdelivermail')) {
          run.step(`defaultdelivery line ${i + 1} calls vdelivermail: reading stops, delivery goes on to the user's Maildir`, p, i + 1);
          sawVdm = true;
          break;
        }
        delivered++;
        deliverLine(run, st, l, dir, p, i + 1);
      }
      if (delivered > 0 && !sawVdm) {
        run.step(`DEFAULT_DELIVERY build: no user .qmail, so the lines of control/defaultdelivery were delivered instead (exit 0)`, p);
        return;
      }
    } else {
      run.step(`DEFAULT_DELIVERY build, but there is no ${p}: the user's Maildir`, p);
    }
  }
  if (fresh) {
    run.step(`no delivery file: the user's own mailbox ${dir}/Maildir/, made with the directory (quota ${vpw.quota || '(empty)'}; a new Maildir is empty)`);
    run.actions.push({ kind: 'maildir', target: `${dir}/Maildir/` });
    return;
  }
  deliverMaildir(run, st, `${dir}/Maildir/`, vpw.quota, `no delivery file: the user's own mailbox (pw_dir + /Maildir/)`);
}

/** usernotfound(): the catch-all argument decides (§2.4). */
function userNotFound(run: Run, st: VdmState): void {
  const { ctx } = run;
  const ca = classifyCatchAll(st.catchAllArg);
  const ev = { path: ctx.path, line: ctx.line };
  switch (ca.kind) {
    case 'delete':
      run.end('discard', `no user ${st.user}@${st.domain}; the catch-all "delete" throws the message away`, `unknown user, catch-all argument "delete": vdelivermail exits 0 and the message is silently discarded (a typo in an address is lost too)`, ev.path, ev.line);
    case 'bounce-no-mailbox': {
      const m = messageText(run, st, '.no-user.msg', DEFAULT_NO_USER);
      run.end('bounce', m.text, `unknown user, catch-all argument "bounce-no-mailbox": bounce (exit 100)${m.path ? ` with the text of ${m.path}` : ''}`, m.path ?? ev.path, m.path ? undefined : ev.line);
    }
    case 'path': {
      run.step(`unknown user, catch-all argument "${ca.arg}" is a path: vdelivermail treats ${ca.dir} as a user directory ("user does not exist, but will deliver to ${ca.dir}")`, ev.path, ev.line);
      if (forwardDeliver(run, st, ca.dir, `the catch-all`)) return;
      const md = `${ca.dir}Maildir/`;
      if (/\/Maildir\/?$/.test(ca.arg)) {
        run.step(`the catch-all path already ends in Maildir, and vdelivermail appends Maildir/ again: ${md}`, ev.path, ev.line, true);
      }
      deliverMaildir(run, st, md, null, `no .qmail in the catch-all directory: Maildir/ is appended`, ev.path, ev.line);
      return;
    }
    case 'forward': {
      if (headerHas(ctx.headerLines, ca.arg.startsWith('&') ? ca.arg.slice(1) : ca.arg)) run.loop(`catch-all "${ca.arg}": the message already has that Delivered-To line → "mail is looping", exit 100`);
      const addr = ca.arg.startsWith('&') ? ca.arg.slice(1) : ca.arg;
      if (addr === '') run.end('defer', 'empty catch-all address', `the catch-all argument is empty: vdelivermail hands qmail-inject an empty address, which it refuses; the failure status is passed on`, ev.path, ev.line);
      const typo = /^(delete|bounce|bounce-no-mailbox)$/i.test(addr) && !addr.includes('@') ? ` ("${addr}" is not exactly "delete" or "bounce-no-mailbox", so it is an address)` : '';
      const q = injectQualify(run, addr);
      const dt = vdmForwardDeliveredTo(ctx.env, q.address);
      run.step(`unknown user, catch-all argument "${ca.arg}"${typo}: forward through qmail-inject to ${q.address}${q.note ? ` (${q.note})` : ''}; the copy carries "${dt}"`, ev.path, ev.line);
      run.actions.push({ kind: 'forward', target: q.address, deliveredTo: dt });
      return;
    }
  }
}

/** vdelivermail, step by step (§2.2). */
export function runVdelivermail(ctx: VdmContext): ManagerResult {
  const run = new Run(ctx);
  try {
    vdelivermail(run);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { steps: run.steps, actions: run.actions };
}

function vdelivermail(run: Run): void {
  const { ctx } = run;
  const program = ctx.argv[0] ?? '';
  const vh = ctx.vpopmailHome !== undefined ? { home: ctx.vpopmailHome, how: 'given' } : vpopmailHome(program, null);
  const build = ctx.build ?? loadVpopmailBuild(ctx.sysroot, vh.home);
  run.step(`${build.explanation}`, build.path ?? undefined);
  const lookup = userLookup(run, build, vh.home);
  if (ctx.argv.length !== 3) {
    run.end('defer', 'vdelivermail: invalid syntax in .qmail-default file', `vdelivermail needs exactly two arguments ('' and the catch-all); it got ${ctx.argv.length - 1} → "invalid syntax in .qmail-default file", exit 111 (defer)`, ctx.path, ctx.line);
  }
  const catchAllArg = ctx.argv[2];
  if (ctx.env.EXT === undefined) run.end('bounce', 'vdelivermail: no EXT environment variable', 'EXT is not set → exit 100');
  if (ctx.env.HOST === undefined) run.end('bounce', 'vdelivermail: no HOST environment variable', 'HOST is not set → exit 100');
  const user = vpopLower(ctx.env.EXT);
  let domain = vpopLower(ctx.env.HOST);
  run.step(`user = EXT lower-cased = "${user}", domain = HOST lower-cased = "${domain}"; catch-all argument "${catchAllArg}"`, ctx.path, ctx.line);
  const bad = invalidUserChars(user);
  if (bad.length) {
    run.end('bounce', 'invalid username', `user "${user}" contains ${bad.map((c) => JSON.stringify(c)).join(', ')}, which is_username_valid() refuses → "invalid username", exit 100 (before any catch-all, so even "delete" does not save it)`);
  }
  if (!/^[-.a-z0-9]*$/.test(domain)) run.end('bounce', 'invalid domain name', `domain "${domain}" holds characters other than letters, digits, "-" and "." → exit 100`);
  let userBase = user;
  let ext = '';
  if (build.qmailExt) {
    const dash = user.indexOf('-');
    userBase = dash < 0 ? user : user.slice(0, dash);
    ext = dash < 0 ? '' : user.slice(dash + 1).replace(/\./g, ':');
    if (dash >= 0) run.step(`qmail-ext build: base user "${userBase}" (the text before the first "-"), extension "${ext}"`);
    if (invalidUserChars(userBase).length) run.end('bounce', 'invalid username', `base user "${userBase}" is not a valid user name → exit 100`);
  }
  const rec = vgetAssign(ctx.usersCdb(), domain);
  const st: VdmState = { user, domain, userBase, ext, assign: rec, domainDir: rec ? rec.home.replace(/\/+$/, '') : '', vhome: vh.home, build, catchAllArg, vpw: null, lookup };
  const ucPath = `${ctx.qmailRoot}/users/cdb`;
  if (rec) {
    if (rec.user !== domain) {
      run.step(`vget_assign(${domain}): users/cdb !${domain}- names the real domain "${rec.user}" (an alias domain); vdelivermail goes on with ${rec.user}, directory ${st.domainDir}`, ucPath);
      domain = rec.user;
      st.domain = domain;
    } else run.step(`vget_assign(${domain}): users/cdb !${domain}- → directory ${st.domainDir}, uid ${rec.uid}`, ucPath);
  } else {
    run.step(`vget_assign(${domain}): users/cdb has no !${domain}- record, so ${domain} is not a vpopmail domain here and every user lookup fails`, ucPath, undefined, true);
  }
  if (headerHas(ctx.headerLines, `${user}@${domain}`)) {
    run.loop(`the message already has "Delivered-To: ${user}@${domain}" → "mail is looping", exit 100`);
  }
  lookup.prepare?.(run, st);
  if (build.valias) {
    if (lookup.valias) processValias(run, st);
    else run.step('valias build: SQL/LDAP valias rows would be tried before the user lookup; qlens cannot read them (cdb backend has none)', build.path ?? undefined, undefined, true);
  }
  const asks = rec !== null || lookup.withoutAssign === true;
  let vpw = asks ? lookup.getpw(run, st, user) : null;
  if (!vpw && build.qmailExt && userBase !== user && asks) {
    run.step(`qmail-ext second chance: look up "${userBase}"`);
    vpw = st.lookup.getpw(run, st, userBase);
    if (!vpw) {
      userNotFound(run, st);
      return;
    }
  }
  if (vpw) {
    st.vpw = vpw;
    checkUser(run, st, vpw);
    return;
  }
  userNotFound(run, st);
}

/** The backend that keeps the users (§1.1 auth module): the cdb files, MySQL, or one qlens cannot read. */
function userLookup(run: Run, build: VpopmailBuild, home: string): VpopmailUserLookup {
  if (build.backend === 'cdb') return cdbUserLookup;
  if (build.backend === 'mysql') {
    const { ctx } = run;
    if (!ctx.sql) {
      run.end('defer', 'qlens cannot trace further: this view reads no database', `this vpopmail keeps its users in MySQL; this part of qlens does not query databases (qlens trace does)`, build.path ?? undefined);
    }
    return sqlUserLookup(run, ctx.sql, home, build);
  }
  run.end('defer', `qlens cannot trace further: vpopmail uses the ${build.backend} backend`, `this vpopmail keeps its users in ${build.backend}, which qlens cannot read; it cannot go further`, build.path ?? undefined);
}

/**
 * process_valias() (SQL/LDAP builds with VALIAS, §2.2 step 4): the first key
 * with rows wins; each row is delivered like a line of a user .qmail, in the
 * domain directory where qmail-local started, and vdelivermail exits 0, so a
 * valias beats a user of the same name.
 */
function processValias(run: Run, st: VdmState): void {
  for (const k of valiasKeys(st.user, st.userBase, st.build.qmailExt)) {
    const rows = st.lookup.valias!(run, st, k.alias);
    if (!rows) continue;
    const def = k.defaultPart !== null ? ` (DEFAULT=${k.defaultPart} for the programs it runs)` : '';
    run.step(`valias ${k.alias}@${st.domain}${def}: ${rows.length} row${rows.length === 1 ? '' : 's'}, each delivered like a .qmail line (relative paths from ${st.domainDir || 'the directory qmail-local started in'}); then vdelivermail exits 0, so no user lookup follows`);
    let delivering = 0;
    rows.forEach((line, i) => {
      if (line.startsWith('#')) {
        run.step(`row ${i + 1} "${line}": comment`);
        return;
      }
      delivering++;
      deliverLine(run, st, line, st.domainDir, '', i + 1);
    });
    if (delivering === 0) run.actions.push({ kind: 'discard', target: `the valias rows of ${k.alias}@${st.domain} are only comments: vdelivermail accepts the message and keeps nothing` });
    run.done();
  }
}

/**
 * The hook the walk calls for a program line that runs vdelivermail. `sql`:
 * the records of an SQL backend, for the callers that fetch them (the
 * trace command, the TUI); without it a MySQL-backed vpopmail is not followed.
 */
export function vpopmailHandlerWith(sql: VpopmailSqlAccess | undefined): ManagerHandler {
  return (input: ManagerInput) => {
    const argv = programArgv(input.argv);
    if (input.kind !== 'vpopmail' || !isVdelivermail(argv[0] ?? '')) return null;
    const vh = vpopmailHome(argv[0], input.users);
    const res = runVdelivermail({
      sysroot: input.sysroot,
      qmailRoot: input.installation.root,
      usersCdb: () => input.installation.usersCdb(),
      installation: input.installation,
      argv,
      env: input.env,
      headerLines: input.headerLines,
      hopIndex: input.hop.index,
      runUid: input.hop.user.uid,
      runGid: input.hop.user.gid,
      readAsUser: input.readAsUser,
      path: input.path,
      line: input.line,
      vpopmailHome: vh.home,
      sql,
    });
    // Records the run asked for and the backend has not fetched: the walk says so, and a caller that can wait fetches them.
    if (sql?.pending) res.needs = [{ kind: 'fetch', source: sql }];
    return res;
  };
}

export const vpopmailHandler: ManagerHandler = vpopmailHandlerWith(undefined);

/** The handler for one tracer (manager-loader.ts): over the session's SQL records when its caller reads databases. */
export async function makeHandler(session: TraceSession): Promise<ManagerHandler> {
  const sql = session.vpopmailSql as (() => Promise<VpopmailSqlAccess>) | undefined;
  return vpopmailHandlerWith(sql ? await sql() : undefined);
}
