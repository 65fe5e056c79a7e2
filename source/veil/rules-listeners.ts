// Leaks in the start scripts (§3.4): L7 the Received "by" name, L8 one IP for
// two listeners, L9 a listener on every address, L12 the wrong run-as user,
// L21 the rc's PATH, L22 QMAILQUEUE/QMAILREMOTE into another HOME, L24 one
// tcprules file for two listeners, L25 the POP3 banner, L30 logs.
import { homeOf, leak, listWords, pairs, portNumber, sameName } from './leak-util.js';
import type { Evidence, InstanceFacts, Leak, TcpServerFact, VeilFacts } from './types.js';
import { homeEvidence, type ProgramHome } from '../qmail/binaries.js';

const RECEIVERS = /(^|\/)qmail-(smtpd|qmtpd|qmqpd)$/;

function listeners(inst: InstanceFacts): TcpServerFact[] {
  return inst.scripts.flatMap((s) => s.tcpservers);
}

function receivers(inst: InstanceFacts): TcpServerFact[] {
  return listeners(inst).filter((t) => t.program !== null && RECEIVERS.test(t.program));
}

function tcpEvidence(t: TcpServerFact): Evidence {
  return { path: t.path, line: t.line, text: t.text };
}

const isAll = (h: string | null): boolean => h === '0' || h === '0.0.0.0' || h === '::' || h === '[::]';

function receivedBy(x: InstanceFacts, others: InstanceFacts[], roots: string[]): Leak[] {
  const out: Leak[] = [];
  for (const t of receivers(x)) {
    const from = t.localNameFrom;
    const fromHome = from ? homeOf(from.file, roots) : null;
    if (from && fromHome && fromHome !== x.root) {
      out.push(
        leak(
          'L7',
          'received-by-other-name',
          'high',
          [x.root, fromHome],
          [tcpEvidence(t), { path: t.path, line: from.line, text: from.text }],
          `This run script starts ${x.root}'s listener with "-l" taken from ${from.file}, the other installation's name file. ` +
            `tcpserver puts that name in TCPLOCALHOST, and qmail-smtpd writes it into every Received line: ` +
            `"by ${others.find((o) => o.root === fromHome)?.me.value ?? 'mail.a.example'} with SMTP" on mail that ${x.root} accepts.`,
          `Read LOCAL from ${x.root}/control/me in this script (LOCAL=\`head -1 ${x.root}/control/me\`).`,
        ),
      );
      continue;
    }
    const other = t.localName && !sameName(t.localName, x.me.value) ? others.find((o) => sameName(o.me.value, t.localName)) : undefined;
    if (other) {
      out.push(
        leak(
          'L7',
          'received-by-other-name',
          'high',
          [x, other],
          [tcpEvidence(t)],
          `${x.root}'s listener runs with "-l ${t.localName}", which is ${other.root}'s name: every Received line it writes says "by ${t.localName} with SMTP".`,
          `Use -l with ${x.root}'s own name (read from ${x.root}/control/me).`,
        ),
      );
      continue;
    }
    if (t.localName === null) {
      out.push(
        leak(
          'L7',
          'received-by-ptr',
          'high',
          [x],
          [tcpEvidence(t)],
          `${x.root}'s listener runs tcpserver without -l, so TCPLOCALHOST is the reverse-DNS name of ${t.host && !isAll(t.host) ? t.host : 'the address a client connected to'} ` +
            `and qmail-smtpd writes "by <that PTR name> with SMTP" into every Received line — usually the machine's own name, shared by every installation.`,
          `Add -l "$LOCAL" with LOCAL=\`head -1 ${x.root}/control/me\` (or -l 0).`,
        ),
      );
    }
  }
  return out;
}

function sameIp(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const out: Leak[] = [];
  for (const ta of receivers(a)) {
    if (!ta.host || isAll(ta.host)) continue;
    for (const tb of receivers(b)) {
      if (tb.host !== ta.host) continue;
      const samePort = portNumber(ta.port) === portNumber(tb.port);
      out.push(
        leak(
          'L8',
          samePort ? 'same-ip-same-port' : 'same-ip-other-port',
          'high',
          [a, b],
          [tcpEvidence(ta), tcpEvidence(tb)],
          samePort
            ? `${a.root} and ${b.root} both start a listener on ${ta.host} port ${ta.port}. Only one can bind it; the other fails to start, and the one that runs answers for both domains.`
            : `${a.root} listens on ${ta.host} port ${ta.port} and ${b.root} on the same address, port ${tb.port}. ` +
              `A port scan of ${ta.host} shows both banners ("220 ${a.identity.smtpgreeting?.value ?? a.me.value} ESMTP" and "220 ${b.identity.smtpgreeting?.value ?? b.me.value} ESMTP") on one machine.`,
          `Give each installation its own IP address; firewall a second port from outside if it is only for routed mail.`,
        ),
      );
    }
  }
  return out;
}

function allAddresses(x: InstanceFacts): Leak[] {
  return listeners(x)
    .filter((t) => isAll(t.host))
    .map((t) =>
      leak(
        'L9',
        'listens-on-all-addresses',
        'high',
        [x],
        [tcpEvidence(t)],
        `${x.root}'s listener binds "${t.host}", every address of the machine: it answers on the other installation's IP too, ` +
          `so connecting to the other domain's MX address on port ${t.port} can reach ${x.root}'s greeting. It also keeps any other installation from binding that port.`,
        `Bind ${t.program?.slice(t.program.lastIndexOf('/') + 1) ?? 'the listener'} to this installation's own IP address in ${t.path} (tcpserver ... 192.0.2.11 ${t.port ?? 'smtp'} ...).`,
      ),
    );
}

/** The suffix of an installation's qmail user names ("" for qmailq, "2" for qmailq2), from the owners hier.c gives. */
function userSuffix(x: InstanceFacts): { suffix: string; ev: Evidence } | null {
  const q = x.queueOwner?.name ? /^qmailq(.*)$/.exec(x.queueOwner.name) : null;
  if (q && x.queueOwner) return { suffix: q[1], ev: { path: x.queueOwner.path, line: null, text: `owner uid ${x.queueOwner.uid} (${x.queueOwner.name})` } };
  const a = x.aliasOwner?.name ? /^alias(.*)$/.exec(x.aliasOwner.name) : null;
  if (a && x.aliasOwner) return { suffix: a[1], ev: { path: x.aliasOwner.path, line: null, text: `owner uid ${x.aliasOwner.uid} (${x.aliasOwner.name})` } };
  return null;
}

/** The user name a listener runs as (-u NAME, `id -u NAME`, or a uid looked up in passwd). */
function runAsName(t: TcpServerFact, facts: VeilFacts): string | null {
  if (t.user === null) return null;
  if (t.userName) return t.userName;
  return /^[0-9]+$/.test(t.user) ? facts.host.passwd.find((p) => p.uid === Number(t.user))?.name ?? null : t.user;
}

function runAsUser(x: InstanceFacts, facts: VeilFacts): Leak[] {
  const s = userSuffix(x);
  if (!s) return [];
  const expected = `qmaild${s.suffix}`;
  const out: Leak[] = [];
  for (const t of receivers(x)) {
    if (t.user === null) continue;
    const name = runAsName(t, facts);
    if (name === expected) continue;
    const expectedPw = facts.host.passwd.find((p) => p.name === expected);
    const uid = /^[0-9]+$/.test(t.user) ? t.user : facts.host.passwd.find((p) => p.name === name)?.uid ?? '?';
    const sharedWith = facts.instances
      .filter((o) => o !== x && receivers(o).some((r) => r.user !== null && runAsName(r, facts) === name))
      .map((o) => o.root);
    const ev: Evidence[] = [tcpEvidence(t)];
    if (t.userLine) ev.push({ path: t.path, line: t.userLine.line, text: t.userLine.text });
    ev.push(s.ev);
    out.push(
      leak(
        'L12',
        'wrong-run-as-user',
        'medium',
        [x],
        ev,
        `${x.root}'s qmail-smtpd runs as ${name ?? `uid ${t.user}`}, but this installation's qmail users end in "${s.suffix}" ` +
          `(its queue belongs to qmailq${s.suffix}), so its qmaild is ${expected}${expectedPw ? ` (uid ${expectedPw.uid})` : ''}. ` +
          `qmail-queue writes "invoked from network" only for its own qmaild; mail taken in here says "Received: (qmail N invoked by uid ${uid})" instead` +
          (sharedWith.length ? `, the same uid the listener${sharedWith.length > 1 ? 's' : ''} of ${listWords(sharedWith)} run${sharedWith.length > 1 ? '' : 's'} as.` : '.'),
        `Run the listener as ${expected}: QMAILDUID=\`id -u ${expected}\` and -u "$QMAILDUID".`,
      ),
    );
  }
  return out;
}

function rcPath(x: InstanceFacts, roots: string[]): Leak[] {
  const out: Leak[] = [];
  for (const s of x.scripts) {
    if (!s.qmailStart) continue;
    const qs = s.qmailStart;
    const path = s.env.filter((e) => e.name === 'PATH' && (s.kind === 'systemd' || e.line <= qs.line)).pop();
    const own = `${x.root}/bin`;
    const progHome = qs.program.startsWith('/') ? homeOf(qs.program, roots) : null;
    if (progHome && progHome !== x.root) {
      out.push(
        leak(
          'L21',
          'starts-other-installation',
          'high',
          [x.root, progHome],
          [{ path: s.path, line: qs.line, text: qs.text }],
          `${s.path} is ${x.root}'s start script but runs ${qs.program}: the daemons that start are ${progHome}'s, with its queue and control files.`,
          `Run ${own}/qmail-start here, with PATH="${own}:$PATH".`,
        ),
      );
      continue;
    }
    const first = path ? path.value.split(':')[0] : null;
    if (first === own || first === own + '/') continue;
    const firstHome = first ? homeOf(first, roots) : null;
    const ev: Evidence[] = [{ path: s.path, line: qs.line, text: qs.text }];
    if (path) ev.unshift({ path: path.path, line: path.line, text: path.text });
    out.push(
      leak(
        'L21',
        firstHome && firstHome !== x.root ? 'rc-path-other-bin' : 'rc-path-not-own-bin',
        'high',
        firstHome && firstHome !== x.root ? [x.root, firstHome] : [x.root],
        ev,
        path
          ? `${s.path} sets PATH="${path.value}" before qmail-start. qmail-start finds qmail-send, qmail-lspawn, qmail-rspawn and qmail-clean by PATH search, ` +
              `and qmail-rspawn finds qmail-remote the same way, so ${first ? `"${first}" comes first` : 'its own bin is not first'}: ` +
              `${firstHome && firstHome !== x.root ? `${firstHome}'s daemons run (its qmail-send refuses to start twice), or ${x.root}'s mail goes out through ${firstHome}'s qmail-remote with ${firstHome}'s HELO and smtproutes` : `the programs found may belong to another installation`}. ` +
              `Every .qmail program line delivered here also finds forward, preline and qmail-inject through this PATH.`
          : `${s.path} runs qmail-start without setting PATH, so qmail-start finds qmail-send, qmail-rspawn and qmail-remote wherever the inherited PATH points — possibly another installation's bin.`,
        `Start with: exec env - PATH="${own}:$PATH" qmail-start ... in ${s.path}.`,
      ),
    );
  }
  return out;
}

/**
 * Where a program named in a start script belongs: the home compiled into
 * it (binaries.ts) when one could be read, else the installation whose
 * directory it sits in; and the queue its messages enter.
 */
function programPlace(facts: VeilFacts, program: string, roots: string[]): { home: string | null; queue: string | null; compiled: ProgramHome | null } {
  const r = facts.programs[program.replace(/^["']|["']$/g, '')];
  const compiled = r && r.program.home !== null ? r.program : null;
  const home = compiled?.home ?? homeOf(program.replace(/^["']|["']$/g, ''), roots);
  return { home, queue: r?.route.queue ?? home, compiled };
}

function builtFor(program: string, p: { compiled: ProgramHome | null }, roots: string[]): string {
  if (!p.compiled) return '';
  const dir = homeOf(program, roots);
  return dir === p.compiled.home ? '' : `, which was built for ${p.compiled.home} (the home compiled into it, whatever directory it sits in)`;
}

function queueVars(x: InstanceFacts, facts: VeilFacts, roots: string[]): Leak[] {
  const out: Leak[] = [];
  const report = (name: string, value: string, ev: Evidence, where: string): void => {
    const program = value.replace(/^["']|["']$/g, '');
    const p = programPlace(facts, program, roots);
    const target = name === 'QMAILQUEUE' ? p.queue : p.home;
    if (!target || target === x.root) return;
    const evidence: Evidence[] = [ev];
    if (p.compiled) evidence.push({ path: p.compiled.path, line: null, text: homeEvidence(p.compiled) });
    out.push(
      leak(
        'L22',
        name === 'QMAILQUEUE' ? 'qmailqueue-other-installation' : 'qmailremote-other-installation',
        'high',
        [x.root, target],
        evidence,
        name === 'QMAILQUEUE'
          ? `${where} sets QMAILQUEUE=${value}${builtFor(program, p, roots)}: mail taken in by ${x.root} is written into ${target}'s queue instead of its own, and leaves with ${target}'s names.`
          : `${where} sets QMAILREMOTE=${value}${builtFor(program, p, roots)}: ${x.root}'s outgoing mail is sent by ${target}'s qmail-remote, with ${target}'s HELO and smtproutes.`,
        `Remove ${name} from ${ev.path} or point it at a program built for ${x.root} (${x.root}/bin, when that was built for it).`,
      ),
    );
  };
  for (const s of x.scripts) {
    for (const e of s.env) {
      if (e.name === 'QMAILQUEUE' || e.name === 'QMAILREMOTE') report(e.name, e.value, { path: e.path, line: e.line, text: e.text }, `${x.root}'s start script ${s.path}`);
    }
  }
  const rules = new Set(receivers(x).map((t) => t.rules).filter((r): r is string => r !== null));
  for (const r of facts.host.tcprules) {
    const cdb = r.path.endsWith('.cdb') ? r.path : r.path + '.cdb';
    if (!rules.has(cdb) && !rules.has(r.path)) continue;
    for (const st of r.settings) {
      if (st.name === 'QMAILQUEUE' || st.name === 'QMAILREMOTE') report(st.name, st.value, { path: r.path, line: st.line, text: st.text }, `The tcprules file ${r.path} used by ${x.root}'s listener`);
    }
  }
  return out;
}

/**
 * A run script of x that starts a qmail-smtpd built for another home (by
 * the home compiled into it; by its directory when none could be read):
 * the listener reads that home's control files and queues there.
 */
function otherBinary(x: InstanceFacts, facts: VeilFacts, roots: string[]): Leak[] {
  const out: Leak[] = [];
  for (const t of receivers(x)) {
    if (!t.program || !t.program.startsWith('/')) continue;
    const p = programPlace(facts, t.program, roots);
    if (!p.home || (p.home === x.root && (p.queue === null || p.queue === x.root))) continue;
    const y = p.home;
    const q = p.queue ?? y;
    const name = t.program.slice(t.program.lastIndexOf('/') + 1);
    const ownDir = homeOf(t.program, roots) === x.root;
    const evidence: Evidence[] = [tcpEvidence(t)];
    if (p.compiled) evidence.push({ path: p.compiled.path, line: null, text: homeEvidence(p.compiled) });
    out.push(
      leak(
        'L22',
        'smtpd-of-other-installation',
        'high',
        [x.root, ...new Set([y, q])],
        evidence,
        `${t.path} belongs to ${x.root} but runs ${t.program}${builtFor(t.program, p, roots)}. A qmail binary keeps the HOME it was built with, so this listener reads ${y}'s ` +
          `control files (rcpthosts, greeting) and puts every message it accepts into ${q}'s queue.`,
        ownDir ? `Rebuild ${x.root}'s programs with conf-qmail = ${x.root} ("make setup check"), then restart this listener.` : `Run ${x.root}/bin/${name} in ${t.path}.`,
      ),
    );
  }
  return out;
}

function sharedRules(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const out: Leak[] = [];
  const seen = new Set<string>();
  for (const ta of receivers(a)) {
    if (!ta.rules || seen.has(ta.rules)) continue;
    const tb = receivers(b).find((t) => t.rules === ta.rules);
    if (!tb) continue;
    seen.add(ta.rules);
    out.push(
      leak(
        'L24',
        'shared-tcprules',
        'medium',
        [a, b],
        [tcpEvidence(ta), tcpEvidence(tb)],
        `Both listeners read the same tcprules file ${ta.rules}: a client allowed to relay (RELAYCLIENT) through ${a.root} may relay through ${b.root} too, ` +
          `and any QMAILQUEUE or DATABYTES set there applies to both.`,
        `Give each installation its own rules file (/etc/tcp.smtp2 → /etc/tcp.smtp2.cdb for ${b.root}) and its own -x.`,
      ),
    );
  }
  return out;
}

function popupHost(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const pa = a.scripts.filter((s) => s.popupHost);
  const pb = b.scripts.filter((s) => s.popupHost);
  const out: Leak[] = [];
  for (const sa of pa) {
    for (const sb of pb) {
      if (!sameName(sa.popupHost!.value, sb.popupHost!.value)) continue;
      out.push(
        leak(
          'L25',
          'same-pop3-banner',
          'medium',
          [a, b],
          [
            { path: sa.path, line: sa.popupHost!.line, text: sa.popupHost!.text },
            { path: sb.path, line: sb.popupHost!.line, text: sb.popupHost!.text },
          ],
          `Both POP3 services greet with "+OK <pid.time@${sa.popupHost!.value}>": qmail-popup's first argument is the same in both run scripts.`,
          `Pass each installation's own name as qmail-popup's first argument.`,
        ),
      );
    }
  }
  return out;
}

/** A POP3 banner that names another installation (its me), whether or not that one runs POP3. */
function popupNamesOther(x: InstanceFacts, others: InstanceFacts[]): Leak[] {
  const out: Leak[] = [];
  for (const s of x.scripts) {
    const p = s.popupHost;
    if (!p || sameName(p.value, x.me.value)) continue;
    const y = others.find((o) => sameName(o.me.value, p.value));
    if (!y) continue;
    out.push(
      leak(
        'L25',
        'pop3-banner-names-other',
        'medium',
        [x, y],
        [{ path: s.path, line: p.line, text: p.text }, { path: y.me.path ?? `${y.root}/control/me`, line: 1, text: y.me.value ?? '' }],
        `${x.root}'s POP3 service greets with "+OK <pid.time@${p.value}>", the name of ${y.root}: every mail client of ${x.root} is told the other installation's name.`,
        `Pass ${x.root}'s own name as qmail-popup's first argument in ${s.path}.`,
      ),
    );
  }
  return out;
}

function sharedLogs(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const out: Leak[] = [];
  const la = a.scripts.flatMap((s) => s.logTargets.map((t) => ({ s, t })));
  const lb = b.scripts.flatMap((s) => s.logTargets.map((t) => ({ s, t })));
  const seen = new Set<string>();
  for (const x of la) {
    for (const y of lb) {
      if (x.t.kind !== y.t.kind || x.t.value !== y.t.value) continue;
      const key = `${x.t.kind}\0${x.t.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        leak(
          'L30',
          x.t.kind === 'multilog' ? 'shared-log-directory' : 'same-syslog-tag',
          'low',
          [a, b],
          [
            { path: x.s.path, line: x.t.line, text: x.t.text },
            { path: y.s.path, line: y.t.line, text: y.t.text },
          ],
          x.t.kind === 'multilog'
            ? `Both installations log into ${x.t.value}: their lines interleave in one file, and whoever reads it sees both.`
            : `Both installations log to syslog with the tag "${x.t.value}", so their lines cannot be told apart and end up in one log.`,
          x.t.kind === 'multilog' ? `Give ${b.root} its own log directory (e.g. /var/log/qmail2).` : `Use a distinct splogger tag for ${b.root} (e.g. qmail2).`,
        ),
      );
    }
  }
  return out;
}

export function listenerLeaks(facts: VeilFacts): Leak[] {
  const insts = facts.instances;
  if (insts.length < 2) return [];
  const roots = insts.map((i) => i.root);
  const out: Leak[] = [];
  for (const x of insts) out.push(...receivedBy(x, insts.filter((o) => o !== x), roots));
  for (const [a, b] of pairs(insts)) out.push(...sameIp(a, b));
  for (const x of insts) out.push(...allAddresses(x));
  for (const x of insts) out.push(...runAsUser(x, facts));
  for (const x of insts) out.push(...rcPath(x, roots));
  for (const x of insts) out.push(...queueVars(x, facts, roots), ...otherBinary(x, facts, roots));
  for (const [a, b] of pairs(insts)) out.push(...sharedRules(a, b), ...popupHost(a, b), ...sharedLogs(a, b));
  for (const x of insts) out.push(...popupNamesOther(x, insts.filter((o) => o !== x)));
  return out;
}
