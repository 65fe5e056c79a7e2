// vpopmail's vpasswd and vpasswd.cdb, and the build settings: any bytes give
// data and diagnostics naming the file and line, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseVpasswdText, openVpasswdCdb, vpasswdCdbGet, vpasswdCdbEntries, makeVpasswdCdb, parseQuota, parseMaildirsize, parseVpopmailConfig } from '../../source/qmail/vpopmail.js';
import { params, bytesArb, mutated, garbageLineArb, wordArb, lineCount } from './arbitraries.js';

const D = '/home/vpopmail/domains/example.com';
const lineArb = fc
  .tuple(wordArb().map((w) => 'u' + w), wordArb(), fc.constantFrom('0', '16', '2', '4096'), wordArb(), fc.constantFrom('NOQUOTA', '52428800S', '10485760S,1000C'))
  .map(([name, pw, gid, gecos, quota]) => ({ name, text: `${name}:$1$${pw}:1:${gid}:${gecos}:${D}/${name}:${quota}` }));

test('parseVpasswdText: any bytes, no throw; diagnostics name the file and a line in it', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const v = parseVpasswdText(buf, `${D}/vpasswd`);
      const n = lineCount(buf);
      for (const d of v.diagnostics) {
        assert.equal(d.path, `${D}/vpasswd`);
        assert.ok(d.line === null || (d.line >= 1 && d.line <= n), `line ${d.line} of ${n}`);
      }
      for (const e of v.entries) assert.ok(e.line !== null && e.line >= 1 && e.line <= n);
    }),
    params,
  );
});

test('parseVpasswdText: a good line among garbage is kept for the cdb builder, and listed when no short line precedes it', () => {
  fc.assert(
    fc.property(fc.array(garbageLineArb(), { maxLength: 6 }), lineArb, fc.array(garbageLineArb(), { maxLength: 6 }), (before, good, after) => {
      const buf = Buffer.from([...before, good.text, ...after].join('\n') + '\n', 'latin1');
      const v = parseVpasswdText(buf, `${D}/vpasswd`);
      const k = before.length + 1;
      assert.ok(v.builderRecords.some((r) => r.line === k && r.key === good.name));
      const listingStops = before.some((l) => l.replace(/\r$/, '') !== '' && l.split(':').length - 1 < 6);
      if (!listingStops) assert.ok(v.entries.some((e) => e.line === k && e.name === good.name && e.dir === `${D}/${good.name}`));
    }),
    params,
  );
});

test('vpasswd.cdb: built from vpasswd, every user is found; corrupt bytes open as corrupt, never throw', () => {
  fc.assert(
    fc.property(fc.uniqueArray(lineArb, { selector: (l) => l.name, maxLength: 10 }), (lines) => {
      const cdb = makeVpasswdCdb(lines.map((l) => l.text).join('\n') + '\n');
      const t = openVpasswdCdb(cdb, `${D}/vpasswd.cdb`);
      assert.equal(t.state, 'ok');
      if (t.state !== 'ok') return;
      for (const l of lines) assert.equal(vpasswdCdbGet(t, l.name)?.dir, `${D}/${l.name}`);
      assert.equal(vpasswdCdbEntries(t).length, lines.length);
      fc.assert(
        fc.property(mutated(cdb), fc.array(wordArb(), { maxLength: 3 }), (bad, names) => {
          const o = openVpasswdCdb(bad, `${D}/vpasswd.cdb`);
          if (o.state === 'ok') {
            for (const n of [...names, ...lines.map((l) => l.name)]) vpasswdCdbGet(o, n);
            vpasswdCdbEntries(o);
          } else assert.ok(o.message.length > 0 && o.path === `${D}/vpasswd.cdb`);
        }),
        { numRuns: 10 },
      );
    }),
    { numRuns: Math.max(20, Math.floor(params.numRuns / 5)) },
  );
});

test('quota, maildirsize and vpopmail_config.h: any text, no throw', () => {
  fc.assert(
    fc.property(bytesArb(120), (buf) => {
      const s = buf.toString('latin1');
      const q = parseQuota(s);
      assert.ok(['none', 'limit', 'invalid'].includes(q.kind));
      parseMaildirsize(buf);
      const c = parseVpopmailConfig(s, '/home/vpopmail/include/vpopmail_config.h');
      assert.ok(c !== null && typeof c === 'object');
    }),
    params,
  );
});
