import { parse, type Parser } from 'csv-parse';
import type { Db, Sql } from '../../db/client';

/** Bytes per stored chunk of an uploaded file (a batch reads one or two). */
export const CHUNK_SIZE = 256 * 1024;
/** How much of the upload decides the encoding and the delimiter. */
export const HEAD_BYTES = 64 * 1024;
/** A field or record longer than this is reported as a bad row instead of being buffered (a quote never closed). */
const MAX_RECORD_CHARS = 256 * 1024;

export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export const encodingLabels: Record<FileEncoding, string> = {
  'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 (with BOM)', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252 / Latin-1',
};

/** The file is not text in an encoding we read; the message says what was seen. */
export class UnreadableFileError extends Error {}

/**
 * The encoding of a file from its first bytes: a byte order mark decides; without one, NUL bytes in every other
 * position mean UTF-16, other NUL bytes mean it is not a text file, valid UTF-8 is UTF-8 and anything else is read as
 * Windows-1252 (a superset of Latin-1, what spreadsheet programs in western locales save).
 * @example detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])) // 'utf-8-bom'
 */
export function detectEncoding(head: Uint8Array, complete = false): FileEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) {
    if (head[2] === 0 && head[3] === 0) throw new UnreadableFileError('the file is UTF-32, which is not supported; save it as CSV UTF-8');
    return 'utf-16le';
  }
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const sample = head.subarray(0, 4096);
  let nulEven = 0;
  let nulOdd = 0;
  sample.forEach((b, i) => {
    if (b === 0) {
      if (i % 2) nulOdd++;
      else nulEven++;
    }
  });
  if (nulOdd + nulEven > 0) {
    const half = sample.length / 2;
    if (nulOdd > half * 0.6 && nulEven === 0) return 'utf-16le';
    if (nulEven > half * 0.6 && nulOdd === 0) return 'utf-16be';
    throw new UnreadableFileError('the file contains NUL bytes: it is not a CSV text file (an Excel workbook or another binary file?); save it as CSV');
  }
  try {
    // Cut at the last complete character: the head may end inside a multi-byte sequence.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** Turns the upload's bytes into UTF-8 without a byte order mark, chunk by chunk. */
export function utf8Transcoder(encoding: FileEncoding): { push(bytes: Uint8Array): Buffer; end(): Buffer } {
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  const decoder = new TextDecoder(label, { fatal: false });
  return {
    push: (bytes) => Buffer.from(decoder.decode(bytes, { stream: true }), 'utf8'),
    end: () => Buffer.from(decoder.decode(), 'utf8'),
  };
}

const candidates = [',', ';', '\t', '|'] as const;

/**
 * The delimiter of a CSV text from its first lines: the candidate found the same number of times (outside quotes)
 * on most lines, preferring more columns; a single column file counts as comma separated.
 * @example detectDelimiter('Name;E-Mail\nAna;ana@acme.io\n') // ';'
 */
export function detectDelimiter(text: string): string {
  const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim()).slice(0, 20);
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop();
  let best: { d: string; score: number; cols: number } = { d: ',', score: 0, cols: 0 };
  for (const d of candidates) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const first = counts[0] ?? 0;
    if (!first) continue;
    const same = counts.filter((c) => c === first).length / counts.length;
    const score = same * 10 + Math.min(first, 50) / 50;
    if (score > best.score) best = { d, score, cols: first };
  }
  return best.d;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) n++;
  }
  return n;
}

/** One thing the reader met, in file order: a record, or a row it could not read. */
export type CsvEvent =
  | { kind: 'record'; fields: string[]; line: number; endLine: number; endOffset: number }
  | { kind: 'error'; line: number; reason: string };

/** Options every reading of a stored file uses, so the preview and the import read the same rows. */
function csvParser(delimiter: string, onEvent: (e: CsvEvent) => void, start: { offset: number; line: number }): Parser {
  let lastEndLine = start.line - 1;
  const parser = parse({
    delimiter, record_delimiter: ['\r\n', '\n', '\r'], relax_quotes: true, relax_column_count: true,
    skip_records_with_error: true, max_record_size: MAX_RECORD_CHARS, bom: false, info: false,
    on_record: (record: string[], ctx) => {
      const endLine = start.line + ctx.lines - 1;
      onEvent({ kind: 'record', fields: record, line: lastEndLine + 1, endLine, endOffset: start.offset + ctx.bytes });
      lastEndLine = endLine;
      return null;
    },
  });
  parser.on('skip', (err: Error & { code?: string; lines?: number }) => {
    onEvent({ kind: 'error', line: lastEndLine + 1, reason: csvReason(err) });
    if (typeof err.lines === 'number') lastEndLine = start.line + err.lines - 1;
  });
  return parser;
}

function csvReason(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED': return 'a quoted field opened on this row is never closed; the rest of the file could not be read';
    case 'CSV_MAX_RECORD_SIZE': return `a field is longer than ${MAX_RECORD_CHARS} characters (a quote that is never closed?)`;
    case 'CSV_INVALID_CLOSING_QUOTE': return 'a quoted field is followed by other characters before the delimiter';
    default: return `cannot be read as CSV: ${err.message}`;
  }
}

export interface StoredFile { id: string; delimiter: string; chunkSize: number; totalBytes: number }

/**
 * Reads records from a stored file starting at a record boundary (`offset`, on `line`), chunk by chunk, and stops
 * once `enough(events)` says so or the file ends. Only the chunks needed are fetched: memory stays flat for any size.
 */
export async function readStoredRecords(
  db: Sql | Db, file: StoredFile, start: { offset: number; line: number }, enough: (events: CsvEvent[]) => boolean,
): Promise<{ events: CsvEvent[]; ended: boolean }> {
  const events: CsvEvent[] = [];
  let failed: Error | undefined;
  const parser = csvParser(file.delimiter, (e) => events.push(e), start);
  parser.on('error', (err) => {
    failed = err;
  });
  parser.resume();
  let seq = Math.floor(start.offset / file.chunkSize);
  let skip = start.offset - seq * file.chunkSize;
  let ended = false;
  for (;;) {
    if (start.offset >= file.totalBytes) {
      ended = true;
      break;
    }
    const [chunk] = await db<{ bytes: Buffer }[]>`select bytes from import_chunks where import_id = ${file.id} and seq = ${seq}`;
    if (!chunk) {
      await new Promise<void>((resolve) => parser.end(resolve));
      ended = true;
      break;
    }
    const bytes = skip ? chunk.bytes.subarray(skip) : chunk.bytes;
    skip = 0;
    seq++;
    await new Promise<void>((resolve, reject) => parser.write(bytes, (err) => (err ? reject(err) : resolve())));
    if (failed) throw failed;
    if (enough(events)) break;
  }
  parser.destroy();
  if (failed) throw failed;
  return { events, ended };
}

/**
 * Reads the header record from the start of a file's text; returns its columns and where the data starts.
 * Throws UnreadableFileError when there is no header.
 */
export async function readHeader(text: Buffer, delimiter: string): Promise<{ headers: string[]; dataOffset: number; dataLine: number }> {
  const events: CsvEvent[] = [];
  const parser = csvParser(delimiter, (e) => events.push(e), { offset: 0, line: 1 });
  parser.resume();
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.write(text, (err) => (err ? reject(err) : parser.end(resolve)));
  });
  parser.destroy();
  const first = events.find((e) => e.kind === 'record' && e.fields.some((f) => f.trim()));
  if (!first || first.kind !== 'record') throw new UnreadableFileError('the file has no header row');
  const headers = first.fields.map((h, i) => h.trim() || `Column ${i + 1}`);
  const seen = new Set<string>();
  for (const h of headers) {
    if (seen.has(h)) throw new UnreadableFileError(`the header names the column "${h}" twice; give each column its own name`);
    seen.add(h);
  }
  return { headers, dataOffset: first.endOffset, dataLine: first.endLine + 1 };
}
