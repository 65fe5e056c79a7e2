// Issue 16's seam for data: a data source is one plug-in (its file, one line
// in SOURCES). This scratch source declares its part and its request kind in
// this file alone, as the log does in ui/log-load.ts, and the loader starts
// it, publishes what it publishes and asks it for its own requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startLoad } from '../../source/ui/loader.js';
import { requestKey, type SessionData } from '../../source/ui/session-data.js';
import { SOURCES, type DataSource } from '../../source/ui/data-sources.js';
import { readerFor, type Reader, type RequestOf } from '../../source/ui/detail-readers.js';

declare module '../../source/ui/session-data.js' {
  interface SessionParts {
    scratch: { roots: string[] };
  }
  interface DetailKinds {
    scratch: { request: { n: number; note?: string }; detail: { twice: number; seen: number } };
  }
}

const DEMO = fileURLToPath(new URL('../../demo/plain', import.meta.url)).replace('/dist/demo/', '/demo/');

test('a data source: started with the installations, its part published, its own requests read with its state; a new kind needs no edit elsewhere', async () => {
  let stopped = 0;
  const scratchReader: Reader<RequestOf<'scratch'>> = {
    needsInstalls: true,
    read: ({ sources }, r) => ({ kind: 'scratch', twice: r.n * 2, seen: (sources.get('scratch') as { seen: number }).seen }),
    failed: () => ({ kind: 'scratch', twice: -1, seen: -1 }),
  };
  const scratch: DataSource = {
    id: 'scratch',
    start: ({ roots, data, emit }) => {
      data.parts.scratch = { roots };
      emit();
      return { done: Promise.resolve(), stop: () => stopped++, state: { seen: roots.length } };
    },
    readers: { scratch: scratchReader },
  };
  let last: SessionData | null = null;
  const loader = startLoad({ source: { sysrootDir: DEMO, demo: null, note: '' }, instances: [], sources: [scratch] }, (d) => (last = d));
  const r = { kind: 'scratch', n: 21 } as const;
  loader.request(r);
  await loader.done;
  for (let i = 0; i < 100 && !last!.details[requestKey(r)]; i++) await new Promise((res) => setTimeout(res, 20));
  const d = last! as SessionData;
  assert.deepEqual(d.parts.scratch, { roots: ['/var/qmail'] });
  assert.deepEqual(d.details[requestKey(r)], { kind: 'scratch', twice: 42, seen: 1 });
  // Only the sources given run: no log part without the log source.
  assert.equal(d.parts.log, undefined);
  // A source's kind is keyed by its fields, in name order, an undefined field as an absent one.
  assert.equal(requestKey({ kind: 'scratch', n: 1, note: undefined }), requestKey({ note: undefined, n: 1, kind: 'scratch' } as const));
  assert.notEqual(requestKey({ kind: 'scratch', n: 1 }), requestKey({ kind: 'scratch', n: 2 }));
  assert.throws(() => readerFor(r), /no reader for a scratch request/);
  assert.equal(readerFor(r, [scratch]), scratchReader);
  loader.cancel();
  assert.equal(stopped, 1);
});

test('the bundled sources: the log, whose reader answers the Log view\'s kinds', () => {
  assert.deepEqual(SOURCES.map((s) => s.id), ['log']);
  assert.ok(readerFor({ kind: 'logStory', instance: '/var/qmail', id: 1, first: null }));
  assert.ok(readerFor({ kind: 'logPoll', tick: 0 }));
});
