// One line of on-screen text for anything thrown while reading: the message
// (an FsError already reads "PATH: what went wrong"), sanitized, since a
// file name or a header in it may hold escape sequences.
import { sanitize } from '../text/sanitize.js';

export function errorText(e: unknown): string {
  return sanitize(e instanceof Error ? e.message : String(e));
}
