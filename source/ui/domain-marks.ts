// Which `qlens check` errors concern each domain, so the Domains view marks
// a domain exactly when check has an error about the way its mail goes:
// the domain's own problems (domainMatrix), an error on a line that names
// it (locals, virtualdomains, rcpthosts, morercpthosts, smtproutes), on the
// users/assign line qmail-lspawn takes for its postmaster or an unknown
// user, and an error on a file the walk of those two addresses reads in
// the home they reach (a .qmail file, a manager's catch-all), found by
// tracing them. An error about a shared file as a whole (no users/cdb, no
// alias user) concerns every domain alike and marks none: the Problems view
// has it. Nothing here decides from the wording of a message.
import type { AssignEntry, Diagnostic, Installation, SystemUsers } from '../qmail/model-types.js';
import { domainMatrix, homeOfLocal, type DomainRow } from '../qmail/domains.js';
import { lcAscii } from '../qmail/control-readers.js';
import { makeTracer } from '../trace/tracer.js';
import { smtprouteFor } from '../trace/remote.js';
import { lspawnLookup } from '../trace/lspawn.js';
import { builtinManagers } from '../trace/managers.js';
import type { TraceHop } from '../trace/types.js';
import { UNKNOWN_LOCAL, UNLISTED_DOMAIN } from '../edit/impact.js';

/** Per installation root, per domain (as the matrix writes it): indices into the problems of check. */
export type DomainErrors = Record<string, Record<string, number[]>>;

/** An address at the row's domain: a `.suffix` row through a host under it, the catch-all through a domain no file names. */
export function sampleHost(domain: string): string {
  return domain === '' ? UNLISTED_DOMAIN : domain.startsWith('.') ? 'host' + domain : domain;
}

const SAMPLE_LOCALS = ['postmaster', UNKNOWN_LOCAL];

/** Files every domain of an installation shares: an error about one of them as a whole concerns none in particular. */
function sharedFile(inst: Installation, path: string): boolean {
  return path.startsWith(inst.root + '/control/') || path.startsWith(inst.root + '/users/') || path === '/etc/passwd' || path === '/etc/group';
}

const inside = (path: string, home: string): boolean => {
  const h = home.replace(/\/+$/, '');
  return path === h || path.startsWith(h + '/');
};

export function domainErrors(installs: Installation[], users: SystemUsers, problems: Diagnostic[], now = new Date()): DomainErrors {
  const errors: number[] = [];
  problems.forEach((p, i) => {
    if (p.severity === 'error') errors.push(i);
  });
  const out: DomainErrors = {};
  if (errors.length === 0) return out;
  const at = new Map<string, number[]>();
  const atKey = (path: string, line: number | null | undefined) => `${path}\0${line ?? ''}`;
  for (const i of errors) {
    const k = atKey(problems[i].path, problems[i].line);
    at.set(k, [...(at.get(k) ?? []), i]);
  }
  const codeKey = (d: Pick<Diagnostic, 'path' | 'line' | 'code'>) => `${d.path}\0${d.line}\0${d.code}`;
  const byCode = new Map<string, number>();
  for (const i of errors) if (!byCode.has(codeKey(problems[i]))) byCode.set(codeKey(problems[i]), i);

  for (const inst of installs) {
    // Each domain's own path in its own installation (no crossing into another).
    const tracer = makeTracer({ installs: [inst], users, now, handlers: builtinManagers });
    let matrix;
    try {
      matrix = domainMatrix(inst, users, { managers: false });
    } catch {
      continue;
    }
    const ctl = `${inst.root}/control`;
    const assign = inst.assign();
    // users/assign lines with an error, by the entry on that line.
    const assignErrors: Array<{ i: number; e: AssignEntry }> = [];
    for (const i of errors) {
      if (problems[i].path !== assign.path || problems[i].line === null) continue;
      const e = assign.entries.find((x) => x.line === problems[i].line);
      if (e) assignErrors.push({ i, e });
    }
    // Errors about a file some walks read and others do not (a home's .qmail file, a manager's files).
    const walkErrors = errors.filter((i) => !sharedFile(inst, problems[i].path));
    const consts = inst.consts();
    const aliasHome = users.byName(consts.aliasUser)?.home ?? `${inst.root}/alias`;
    const cdb = inst.usersCdb();

    const moreLines = new Map<string, number[]>();
    for (const l of inst.list('morercpthosts').lines) moreLines.set(lcAscii(l.text), [...(moreLines.get(lcAscii(l.text)) ?? []), l.line]);

    const fromLines = (r: DomainRow, hits: Set<number>): void => {
      const cite = (path: string, line: number | null | undefined) => {
        if (line === null || line === undefined) return;
        for (const i of at.get(atKey(path, line)) ?? []) hits.add(i);
      };
      for (const d of r.diagnostics) {
        const i = byCode.get(codeKey(d));
        if (i !== undefined) hits.add(i);
      }
      for (const ev of [r.evidence.locals, r.evidence.virtual, r.evidence.rcpthosts]) if (ev) cite(ev.path, ev.line);
      for (const u of r.users) cite(`${ctl}/virtualdomains`, u.line);
      for (const line of moreLines.get(r.domain) ?? []) cite(`${ctl}/morercpthosts`, line);
      if (r.delivery === 'remote') {
        const route = smtprouteFor(inst, sampleHost(r.domain));
        if (route) cite(route.path, route.line);
      }
    };

    /** The local parts qmail-lspawn gets for the sample addresses, and the homes they reach. */
    const reached = (r: DomainRow): Array<{ local: string; home: string | null; entry: Extract<ReturnType<typeof lspawnLookup>, { kind: 'found' }>['fields'] | null }> => {
      if (r.delivery === 'remote') return [];
      return SAMPLE_LOCALS.map((l) => {
        const local = r.delivery === 'virtual' ? `${r.virtual}-${l}` : l;
        let found = null;
        try {
          const ls = lspawnLookup(inst, local);
          if (ls.kind === 'found') found = ls.fields;
        } catch {
          found = null;
        }
        const home = found ? found.home : homeOfLocal(local, cdb.state === 'ok' ? { ...cdb, marker: null } : cdb, users, consts.breakChar) ?? aliasHome;
        return { local, home, entry: found };
      });
    };

    const fromWalk = (hop: TraceHop, hits: Set<number>): void => {
      for (const s of hop.steps) {
        if (!s.path) continue;
        for (const i of walkErrors) if (problems[i].path === s.path && (problems[i].line === null || problems[i].line === s.line)) hits.add(i);
      }
    };

    for (const r of matrix.domains) {
      const hits = new Set<number>();
      fromLines(r, hits);
      const paths = reached(r);
      for (const p of paths) {
        if (!p.entry) continue;
        const f = p.entry;
        for (const { i, e } of assignErrors) if (e.user === f.user && e.uid === f.uid && e.gid === f.gid && e.home === f.home && e.dash === f.dash) hits.add(i);
      }
      // Only where an error lies in a home the domain's mail reaches is the walk worth its cost.
      if (paths.some((p) => p.home !== null && walkErrors.some((i) => inside(problems[i].path, p.home!)))) {
        for (const l of SAMPLE_LOCALS) {
          try {
            // The first hop is the domain's own path; where a forward leads is another address's.
            const t = tracer.walk(inst, `${l}@${sampleHost(r.domain)}`, { maxHops: 1 });
            if (t.hops[0]) fromWalk(t.hops[0], hits);
          } catch {
            // An address qmail would reject has no path to cite.
          }
        }
      }
      if (hits.size) (out[inst.root] ??= {})[r.domain] = [...hits].sort((a, b) => a - b);
    }
  }
  return out;
}
