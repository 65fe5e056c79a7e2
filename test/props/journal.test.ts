// Journal manifests of every JSON shape: the schema check never throws and
// takes only what an apply writes; undo over a journal whose newest
// manifest is any JSON at all answers 0 (a manifest still valid), 1 or 3,
// never throws, and writes nothing when it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { build, runEditCommand, treeSnapshot, assertNoRaw, type Built } from '../hostile/harness.js';
import { checkManifest } from '../../source/edit/journal.js';
import { params, RUNS } from './arbitraries.js';

const J = '/var/backups/qlens';

const VALID = {
  qlens: 1,
  kind: 'edit',
  time: '2026-11-25T12:00:00.000Z',
  state: 'applied',
  undoes: null,
  files: [{ path: '/var/qmail/control/rcpthosts', before: 'a'.repeat(64), after: 'b'.repeat(64), uid: 0, gid: 0, mode: 0o644, backup: 'var/qmail/control/rcpthosts' }],
};

const WHERE = ['qlens', 'kind', 'time', 'state', 'undoes', 'files', 'files.0', 'files.1', 'files.0.path', 'files.0.before', 'files.0.after', 'files.0.uid', 'files.0.gid', 'files.0.mode', 'files.0.backup', 'extra'];

/** One field, anywhere in a manifest, replaced by any JSON value (undefined: removed). */
const mutationArb = fc.tuple(fc.constantFrom(...WHERE), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }));

function mutate(manifest: object, [where, value]: [string, unknown]): unknown {
  const m = structuredClone(manifest) as Record<string, unknown>;
  const keys = where.split('.');
  let o = m;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
  return m;
}

test('checkManifest: any JSON value never throws; only the shape an apply writes passes', () => {
  assert.equal(checkManifest(VALID, J), null);
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), mutationArb.map((x) => mutate(VALID, x))), (m) => {
      const why = checkManifest(m, J);
      if (why !== null) assert.ok(typeof why === 'string' && why.length > 0 && !why.includes('\n'), why);
    }),
    params,
  );
});

/** One applied edit in the journal. A refused undo writes nothing, so the world is reused until an undo goes through. */
async function world(): Promise<{ b: Built; manifest: string; real: string }> {
  const b = build({}, false);
  const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\nnew.example\n' });
  assert.equal(r.status, 0, r.err);
  const [name] = fs.readdirSync(b.fx.host(J)).filter((n) => /^\d/.test(n));
  const manifest = b.fx.host(`${J}/${name}/manifest.json`);
  return { b, manifest, real: fs.readFileSync(manifest, 'utf8') };
}

test('undo over a journal whose newest manifest is any JSON: 0, 1 or 3 in one line, never a throw, nothing written when refused', { timeout: 600_000 }, async () => {
  let w = await world();
  await fc.assert(
    fc.asyncProperty(
      // Any JSON, or the manifest this apply really wrote with one field changed (some changes keep it valid).
      fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => ({ v })), mutationArb.map((x) => ({ x }))),
      async (c) => {
        const m = 'v' in c ? c.v : mutate(JSON.parse(w.real), c.x);
        fs.writeFileSync(w.manifest, JSON.stringify(m) ?? 'undefined');
        const before = treeSnapshot(w.b.fx.dir);
        const u = await runEditCommand(w.b.fx, 'undo');
        assert.equal(u.thrown, undefined, (u.thrown as Error)?.stack);
        assert.ok(u.status === 0 || u.status === 1 || u.status === 3, `${u.status}: ${u.err}`);
        assertNoRaw(u.out + u.err, 'undo');
        if (u.status === 3) assert.equal(u.err.trim().split('\n').length, 1, u.err);
        if (u.status === 0) {
          assert.equal(checkManifest(m, J), null, 'undo went through on a manifest the schema refuses');
          w.b.fx.cleanup();
          w = await world();
        } else {
          assert.deepEqual(treeSnapshot(w.b.fx.dir), before, 'a refused undo wrote something');
          fs.writeFileSync(w.manifest, w.real);
        }
      },
    ),
    { numRuns: Math.max(60, Math.floor(RUNS / 2)) },
  );
  // The real manifest itself undoes: the refusals above were for the changes, not for every manifest.
  const u = await runEditCommand(w.b.fx, 'undo');
  assert.equal(u.status, 0, u.err);
  w.b.fx.cleanup();
});
