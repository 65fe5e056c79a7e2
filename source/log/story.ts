// A message's story read back from the log by the positions of its lines
// (story-index.ts): each line read again from disk, decoded and matched up
// as on the first reading, so the story is the same message with the same
// times and texts, without the log held in memory.
import { decoderFor } from './decode.js';
import type { LogSource } from './find.js';
import { Matchup, type LoggedMessage } from './matchup.js';
import { splitPosition, type LogReader } from './reader.js';

export function readStory(reader: LogReader, source: LogSource, log: number, positions: number[]): LoggedMessage | null {
  let story: LoggedMessage | null = null;
  const m = new Matchup(log, { message: (x) => (story ??= x) }, { ordered: false });
  const dec = decoderFor(source.format, source.tag, { target: m, skip: () => {} });
  for (const p of positions) {
    const line = reader.lineAtSync(p);
    if (!line) continue;
    const { segment } = splitPosition(p);
    dec.handler(line, 0, line.length, p, 0, segment, false);
    // splogger went on in the next syslog line: read that too.
    if (dec.holding()) {
      const next = reader.lineAtSync(p + line.length + 1);
      if (next) dec.handler(next, 0, next.length, p + line.length + 1, 0, segment, false);
    }
  }
  dec.flush();
  m.finishLog();
  return story;
}
