/**
 * Splits a byte stream into newline-delimited messages (NDJSON). Works on bytes, not strings, so a multi-byte UTF-8
 * character cut between two chunks is decoded whole.
 *
 * Framing rules (the stdio transport's contract, see docs/api.md "stdio (NDJSON)"):
 * - a message ends at '\n'; a '\r' right before it is dropped (CRLF from Windows parents);
 * - lines that are empty or only whitespace are skipped, so a stray blank line is not a parse error;
 * - a line longer than `maxLineBytes` is never accumulated: its bytes are discarded as they arrive, and once its
 *   '\n' is seen `onOversize()` is called once, so the caller can answer an error instead of failing silently;
 * - bytes after the last '\n' when the input ends are a truncated message: `end()` hands them over like a line.
 */
export class NdjsonSplitter {
  #parts: Buffer[] = [];
  #partBytes = 0;
  #discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOversize: () => void,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(0x0a, start);
      if (newline === -1) {
        this.#append(bytes.subarray(start));
        return;
      }
      this.#append(bytes.subarray(start, newline));
      this.#finishLine();
      start = newline + 1;
    }
  }

  /** The input ended: a final line without '\n' is still a message. */
  end(): void {
    if (this.#discarding || this.#partBytes > 0) this.#finishLine();
  }

  #append(piece: Buffer): void {
    if (piece.length === 0 || this.#discarding) return;
    if (this.#partBytes + piece.length > this.maxLineBytes) {
      this.#discarding = true;
      this.#parts = [];
      this.#partBytes = 0;
      return;
    }
    this.#parts.push(piece);
    this.#partBytes += piece.length;
  }

  #finishLine(): void {
    if (this.#discarding) {
      this.#discarding = false;
      this.onOversize();
      return;
    }
    const parts = this.#parts;
    this.#parts = [];
    this.#partBytes = 0;
    let line = (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') return;
    this.onLine(line);
  }
}
