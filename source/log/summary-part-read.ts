// One later part of a log read on its own, for a summary read in parts
// (summary-parts.ts): the rotated files it is given, whole and in order,
// through the sysroot's checks; it counts what it can and returns its
// counts, its fragments and its state at the end. A worker thread runs it
// (summary-worker.ts); tests run it in their own thread.
import { Sysroot, type FaultMap } from '../sysroot/sysroot.js';
import { decoderFor } from './decode.js';
import { Matchup } from './matchup.js';
import { LogReader, type ReadNote, type Segment } from './reader.js';
import { SummaryBuilder } from './summary.js';
import type { LogTime } from './tai64n.js';
import { emptyFragments, partSink, type PartOutcome } from './summary-parts.js';

/** What a worker is asked to read. */
export interface PartRequest {
  hostRoot: string;
  faults: FaultMap;
  logPath: string;
  names: string[];
  since: LogTime | null;
  until: LogTime | null;
  skippedMax: number;
}

export interface PartReply {
  outcome: PartOutcome;
  segments: Segment[];
  notes: ReadNote[];
  skipped: Array<{ path: string; line: number; reason: string }>;
  skippedTotal: number;
}

export async function readPart(req: PartRequest): Promise<PartReply> {
  const sysroot = new Sysroot(req.hostRoot, { faults: req.faults });
  const reader = new LogReader(sysroot, req.logPath, 'multilog');
  const summary = new SummaryBuilder({ since: req.since, until: req.until });
  const fragments = emptyFragments();
  const matchup = new Matchup(0, partSink(summary, fragments), { ordered: false, keepDeliveries: false, strings: false, part: true });
  const skipped: PartReply['skipped'] = [];
  let skippedTotal = 0;
  const dec = decoderFor('multilog', null, {
    target: matchup,
    skip: (segment, line, reason) => {
      skippedTotal++;
      if (skipped.length < req.skippedMax) skipped.push({ path: reader.segments[segment]?.path ?? req.logPath, line, reason });
    },
  });
  await reader.readRotated(req.names, dec.handler);
  dec.flush();
  return {
    outcome: { summary, fragments, start: matchup.partStart, open: matchup.openMessages(), pending: matchup.pending() },
    segments: reader.segments,
    notes: reader.notes,
    skipped,
    skippedTotal,
  };
}

