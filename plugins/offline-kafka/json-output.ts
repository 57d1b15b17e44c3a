/**
 * Where the mapping writes decoded records' JSON: UTF-8 in reused buffers, with the few byte-level
 * writers the Avro transcoder needs (avro-json.ts).
 */
/**
 * Where JSON is written. A record's bytes stay in one buffer: when one runs out, the record begun
 * last moves to a new buffer and the old one is left to the records already in it, so records
 * written in a row can be kept as (buffer, start, end) without a string or a copy each.
 */
export class JsonOutput {
  buffer: Buffer;
  length = 0;
  /** Where the record being written began. */
  recordStart = 0;

  constructor(readonly chunkBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  begin(): void {
    this.recordStart = this.length;
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const written = this.length - this.recordStart;
    const next = Buffer.allocUnsafe(Math.max(this.chunkBytes, (written + bytes) * 2));
    this.buffer.copy(next, 0, this.recordStart, this.length);
    this.buffer = next;
    this.recordStart = 0;
    this.length = written;
  }

  // Byte loops: for the few bytes of a field, cheaper than Buffer.write's or copy's call overhead.

  /** ASCII text (JSON punctuation, numbers, base64). */
  ascii(text: string): void {
    this.reserve(text.length);
    const { buffer } = this;
    for (let i = 0; i < text.length; i++) buffer[this.length++] = text.charCodeAt(i);
  }

  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    const { buffer } = this;
    for (let i = start; i < end; i++) buffer[this.length++] = bytes[i] as number;
  }

  /** An integer's decimal digits, without a string in between (a long in two int-sized halves). */
  integer(value: number): void {
    if (value < 0) {
      this.reserve(1);
      this.buffer[this.length++] = 0x2d;
      this.integer(-value);
      return;
    }
    if (value > 0x7fff_ffff) {
      const high = Math.floor(value / 1e9);
      this.integer(high);
      this.digits(value - high * 1e9, 9);
      return;
    }
    this.digits(value, 0);
  }

  /** 0 ≤ value < 2^31, left-padded with zeros to `width` digits. */
  private digits(value: number, width: number): void {
    this.reserve(10);
    const { buffer } = this;
    const start = this.length;
    let rest = value | 0;
    do {
      const next = (rest / 10) | 0;
      buffer[this.length++] = 0x30 + rest - next * 10;
      rest = next;
    } while (rest > 0 || this.length - start < width);
    for (let i = start, j = this.length - 1; i < j; i++, j--) {
      const digit = buffer[i] as number;
      buffer[i] = buffer[j] as number;
      buffer[j] = digit;
    }
  }

  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }
}
