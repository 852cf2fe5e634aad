import { readFileSync } from 'node:fs';
import { PinError } from '../errors.js';
import type { FoundSecret, FoundServiceAccount, Occurrence } from '../finders/types.js';
import { fileChangedError, holdsFingerprint, type Fingerprint } from '../fs/fingerprint.js';
import { applyEdits } from '../rewrite/splice.js';
import type { Edit } from '../rewrite/types.js';

// Issue 13 cause 5: a scanned tree does not keep every file's text (38 MB of the live set for
// 10,000 files). A file keeps the size and hash of the bytes read; planning, --diff, --json and
// the write re-read it and check it still holds those bytes (else FILE_CHANGED, nothing written).

/** DiskText is where a text that is not held lives, and the fingerprint of the bytes the run read. */
export interface DiskText extends Fingerprint {
  /** file is the absolute path read. */
  readonly file: string;
  /** display names the file in messages. */
  readonly display: string;
}

/** FoundInFile is what the finders gave for one file (or why none could read it). */
interface FoundInFile {
  occurrences: Occurrence[];
  secrets: FoundSecret[];
  serviceAccounts: FoundServiceAccount[];
  error?: string;
}

/**
 * ScannedOnDisk is a ScannedFile (see scan.ts) that does not hold its text: `text` re-reads the
 * file and checks it. A class, so 10,000 of them share one shape and one getter.
 */
export class ScannedOnDisk {
  readonly file: string;
  readonly display: string;
  occurrences: Occurrence[];
  secrets: FoundSecret[];
  serviceAccounts: FoundServiceAccount[];
  error?: string;
  readonly #disk: DiskText;

  constructor(disk: DiskText, found: FoundInFile) {
    this.file = disk.file;
    this.display = disk.display;
    this.occurrences = found.occurrences;
    this.secrets = found.secrets;
    this.serviceAccounts = found.serviceAccounts;
    this.error = found.error;
    this.#disk = disk;
  }

  /** text is the text scanned, re-read (FILE_CHANGED when the file changed since). */
  get text(): string {
    return readVerified(this.#disk);
  }

  /** diskOf is where `holder`'s text is re-read from, when it is one of these. */
  static diskOf(holder: object): DiskText | undefined {
    return #disk in holder ? (holder as ScannedOnDisk).#disk : undefined;
  }
}

/** ChangeOnDisk is a FileChange (see plan.ts) of a file whose text is not held: `before` and `after` re-read it. */
export class ChangeOnDisk {
  readonly file: string;
  readonly display: string;
  edits: Edit[];
  rewritten: Array<{ occurrence: Occurrence; digest: string; tag?: string }>;
  readonly #disk: DiskText;

  constructor(disk: DiskText, edits: Edit[], rewritten: ChangeOnDisk['rewritten']) {
    this.file = disk.file;
    this.display = disk.display;
    this.edits = edits;
    this.rewritten = rewritten;
    this.#disk = disk;
  }

  /** before is the text read (re-read and checked). */
  get before(): string {
    return readVerified(this.#disk);
  }

  /** after is the new text: the edits applied to `before`. */
  get after(): string {
    return applyEdits(this.before, this.edits);
  }

  /** diskOf is where `holder`'s text is re-read from, when it is one of these. */
  static diskOf(holder: object): DiskText | undefined {
    return #disk in holder ? (holder as ChangeOnDisk).#disk : undefined;
  }
}

/** diskTextOf returns where `holder`'s text is re-read from, or undefined when it holds its text. */
export function diskTextOf(holder: object): DiskText | undefined {
  return ScannedOnDisk.diskOf(holder) ?? ChangeOnDisk.diskOf(holder);
}

/** textInMemory returns a file's text when it is held, or undefined when reading it would re-read the file. */
export function textInMemory(f: { readonly text: string }): string | undefined {
  return diskTextOf(f) ? undefined : f.text;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * readVerified re-reads a file's text: FILE_CHANGED when the file no longer holds the bytes
 * the run read (edited or deleted meanwhile), IO when it cannot be read.
 */
export function readVerified(disk: DiskText): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(disk.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fileChangedError([disk.display]);
    throw new PinError('IO', `${disk.display}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (!holdsFingerprint(bytes, disk)) throw fileChangedError([disk.display]);
  // The bytes are the ones decoded (fatally) by the scan, so this decoding cannot fail or differ.
  return utf8.decode(bytes);
}

/** ByteOffsets converts a UTF-16 offset of a file's text into a UTF-8 byte offset. */
export type ByteOffsets = (offset: number) => number;

const ascii: ByteOffsets = (offset) => offset;

/**
 * byteOffsets gives what occurrenceJson needs for byte offsets without re-reading a file: only
 * ASCII texts are left on disk (see keepsText), where byte and UTF-16 offsets are the same.
 * After the write, the text a run read is gone from disk; this still answers.
 */
export function byteOffsets(holder: object, text: () => string): string | ByteOffsets {
  return diskTextOf(holder) ? ascii : text();
}
