// Everything that comes from outside (file contents, queued headers, user
// names) passes through here before it reaches a terminal. Control bytes,
// escape sequences, bidi overrides and zero-width characters become visible
// escapes, so a Subject line cannot retitle or repaint an admin's screen.

// C0 (but not \t when allowed), DEL, C1, bidi controls (U+061C and U+200E/F are
// bidi marks too), zero-width characters, line/para separators, BOM.
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  return '\\u' + code.toString(16).padStart(4, '0');
}

export interface SanitizeOptions {
  /** Keep newlines (for multi-line previews); every other control byte is still escaped. */
  keepNewlines?: boolean;
  /** Keep tabs as tabs (they cannot do harm, but break column layout). Default: shown as \t. */
  keepTabs?: boolean;
}

/** Make a string safe to draw: every dangerous code point becomes a visible escape like `\x1b` or `\u202e`. */
export function sanitize(s: string, opts: SanitizeOptions = {}): string {
  return s.replace(DANGEROUS, (c) => {
    if (c === '\n' && opts.keepNewlines) return c;
    if (c === '\t') return opts.keepTabs ? c : '\\t';
    return escapeChar(c);
  });
}

/**
 * Bytes from disk, made safe: valid UTF-8 is kept (then sanitized), every
 * byte of an invalid sequence is shown as `\xNN`.
 */
export function sanitizeBytes(buf: Uint8Array, opts: SanitizeOptions = {}): string {
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    let len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3;
    else if (b >= 0xf0 && b <= 0xf4) len = 4;
    let ok = len > 0 && i + len <= buf.length;
    for (let k = 1; ok && k < len; k++) if ((buf[i + k] & 0xc0) !== 0x80) ok = false;
    if (ok && len > 1) {
      const bytes = Buffer.from(buf.subarray(i, i + len));
      const s = bytes.toString('utf8');
      // Overlong forms and encoded surrogates (ED A0..BF xx) decode to one or
      // more U+FFFD: valid only when the text encodes back to the same bytes.
      if (!Buffer.from(s, 'utf8').equals(bytes)) ok = false;
      else {
        out += sanitize(s, opts);
        i += len;
        continue;
      }
    }
    if (ok && len === 1) {
      out += sanitize(String.fromCharCode(b), opts);
      i += 1;
      continue;
    }
    out += '\\x' + b.toString(16).padStart(2, '0');
    i += 1;
  }
  return out;
}

const JSON_EXTRA = /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** JSON.stringify, plus \uXXXX for DEL, C1, bidi and zero-width controls (contract.md "JSON"). */
export function toSafeJson(value: unknown, space?: number): string {
  const s = JSON.stringify(value, null, space);
  if (s === undefined) return 'null';
  return s.replace(JSON_EXTRA, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * A value from outside as one short, safe piece of a message (an argument,
 * a path): sanitized, and when longer than `max` characters cut in the
 * middle with the length said, so a 100,000-character argument still makes
 * a one-line error an admin can read.
 */
export function shown(s: string, max = 200): string {
  if (s.length <= max) return sanitize(s);
  const head = Math.ceil(max * 0.6);
  const tail = max - head;
  return `${sanitize(s.slice(0, head))}…(${s.length} characters)…${sanitize(s.slice(s.length - tail))}`;
}
