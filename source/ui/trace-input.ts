// What the trace prompt takes (issue 21 point 9): an address pasted from a
// header, "<alice@example.com>" or "Alice <alice@example.com>", means the
// address in the angle brackets, as qmail-inject reads it; blanks around it
// mean nothing. Tracing "example.com>" instead would answer a question
// nobody asked.
export interface CleanAddress {
  address: string;
  /** What was dropped, in words, or null when the text was used as typed. */
  note: string | null;
}

export function cleanAddress(text: string): CleanAddress {
  const t = text.trim();
  const m = /^([^<>]*)<([^<>]*)>\s*$/.exec(t);
  if (m) {
    const address = m[2].trim();
    const what = m[1].trim() ? 'the name and angle brackets around it' : 'the angle brackets around it';
    return { address, note: `traced ${address}: ${what} dropped, as qmail-inject reads an address` };
  }
  return { address: t, note: t !== text && t !== '' ? `traced ${t}: the blanks around it dropped` : null };
}
