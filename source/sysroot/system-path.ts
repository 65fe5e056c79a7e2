// System paths as the sysroot keys them: absolute, normal. Its own module so
// that sysroot.ts and assign-homes.ts (which sysroot.ts imports) both take it
// without importing each other.
/** A doubled slash, a `.`/`..` segment or a trailing slash: the path needs normalizeSystemPath. */
export const ABNORMAL = /\/\/|\/\.\.?(\/|$)|.\/$/;

/** Normalise a system path: absolute, no `.`/`..`/doubled slashes. `..` never climbs above `/`. */
export function normalizeSystemPath(p: string): string {
  // Most paths asked for are normal already (a walk asks for thousands).
  if (p.charCodeAt(0) === 47 && !ABNORMAL.test(p)) return p;
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return '/' + parts.join('/');
}
