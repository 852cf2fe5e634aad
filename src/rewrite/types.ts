/**
 * Edit replaces `expected` at [start, end) of a file's text with `replacement`.
 * Offsets are UTF-16 code-unit offsets into the decoded text; the splicer checks
 * that the text at the offsets still equals `expected` before applying.
 */
export interface Edit {
  start: number;
  end: number;
  expected: string;
  replacement: string;
}
