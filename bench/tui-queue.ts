// The TUI on a big queue, as the admin sees it: the program in a
// pseudo-terminal (120x30), `2` typed as soon as it draws (the Queues
// view), and the clock read when the first message rows are on the screen,
// when the whole queue is listed (the header says "N listed"), and when the
// subjects are all read (the status line stops saying so). Then `q`.
import { runInPty } from './pty-screen.js';

export type TuiQueueResult =
  | { ok: true; firstRowsMs: number | null; listedMs: number | null; subjectsMs: number | null; rssKb: number | null; screen: string }
  | { ok: false; reason: string };

/** A message row of the Queues view: the selection mark or a blank, then the message number. */
const MESSAGE_ROW = /^[ \u203a>]\s?\d{4,}\s/m;
const LISTED = /\b\d+ listed\b/;
const READING_SUBJECTS = /reading subjects/;

export async function tuiQueue(cli: string, sysroot: string, timeBin: string | null, timeoutMs: number): Promise<TuiQueueResult> {
  let drawn = false;
  let firstRows: number | null = null;
  let listed: number | null = null;
  let subjects: number | null = null;
  let sawSubjects = false;
  const run = await runInPty(cli, ['--sysroot', sysroot], { cols: 120, rows: 30, timeoutMs, timeBin }, (text, t, control) => {
    if (!drawn && text.trim() !== '') {
      drawn = true;
      control.type('2');
    }
    if (firstRows === null && MESSAGE_ROW.test(text)) firstRows = t;
    if (listed === null && LISTED.test(text)) listed = t;
    if (READING_SUBJECTS.test(text)) sawSubjects = true;
    else if (listed !== null && subjects === null && (sawSubjects || t - listed > 2000)) {
      subjects = t;
      setTimeout(() => control.quit(), 200);
    }
  });
  if (!drawn) return { ok: false, reason: `nothing drawn (exit ${run.exitCode})` };
  return { ok: true, firstRowsMs: firstRows, listedMs: listed, subjectsMs: subjects, rssKb: run.rssKb, screen: run.screen };
}
