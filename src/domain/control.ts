/** Text that leaves the process (terminal, chat, logs) must not carry terminal controls. */

/**
 * Removes C0/C1 control characters (ESC, BEL, CR, ...), which could move a terminal's
 * cursor, write its clipboard or forge lines, plus bidi overrides. Newlines and tabs
 * are kept only when `multiline` (and then as plain line breaks); otherwise a space.
 */
export function stripControl(s: string, multiline = false): string {
  const out = s.replace(/\r\n?/g, '\n').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
  return multiline
    ? out.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    : out.replace(/[\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}
