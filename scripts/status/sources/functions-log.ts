/**
 * The functions' EMF lines, read as they are appended to the log `npm start` writes the functions'
 * output to: from its end when the status server started, a bounded slice per sample. A log that
 * shrank (rotated, truncated) is read again from its start.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { addReading, parseEmfLine, type StageTotals } from '../emf';

/** Read per sample at most; a burst larger than this is read over the next samples. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export class FunctionsLog {
  private offset: number;
  private partial = '';
  // A slice may end inside a multi-byte character: the decoder keeps its first bytes for the next one.
  private decoder = new StringDecoder('utf8');
  readonly totals = new Map<string, StageTotals>();

  constructor(private readonly file: string) {
    this.offset = this.size() ?? 0;
  }

  private size(): number | undefined {
    try {
      return statSync(this.file).size;
    } catch {
      return undefined;
    }
  }

  /** Reads what was appended since the last call and adds its EMF lines to the totals. */
  read(): Map<string, StageTotals> {
    const size = this.size();
    if (size === undefined) throw new Error(`${this.file} does not exist (yet): are the functions running?`);
    if (size < this.offset) {
      this.offset = 0;
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
    }
    const length = Math.min(size - this.offset, MAX_READ_BYTES);
    if (length > 0) {
      const buffer = Buffer.alloc(length);
      const fd = openSync(this.file, 'r');
      try {
        readSync(fd, buffer, 0, length, this.offset);
      } finally {
        closeSync(fd);
      }
      this.offset += length;
      const lines = (this.partial + this.decoder.write(buffer)).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        const reading = parseEmfLine(line);
        if (reading) addReading(this.totals, reading);
      }
    }
    return this.totals;
  }
}
