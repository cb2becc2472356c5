import { describe, expect, it } from 'vitest';
import { NdjsonSplitter } from '../../../supervisor/transports/ndjson-splitter.js';

function splitter(maxLineBytes = 1024) {
  const lines: string[] = [];
  let oversized = 0;
  const s = new NdjsonSplitter((line) => lines.push(line), () => (lines.push('<oversized>'), oversized++), maxLineBytes);
  return { s, lines, oversized: () => oversized };
}

describe('NdjsonSplitter framing', () => {
  it('joins a line split across chunks', () => {
    const { s, lines } = splitter();
    s.push('{"a":');
    s.push('1');
    expect(lines).toEqual([]);
    s.push('}\n');
    expect(lines).toEqual(['{"a":1}']);
  });

  it('delivers many lines from one chunk, and keeps the unterminated tail for the next chunk', () => {
    const { s, lines } = splitter();
    s.push('{"n":1}\n{"n":2}\n{"n":3}\n{"n":');
    expect(lines).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    s.push('4}\n');
    expect(lines.at(-1)).toBe('{"n":4}');
  });

  it('strips the CR of CRLF line ends, also when the CR and LF arrive in different chunks', () => {
    const { s, lines } = splitter();
    s.push('{"a":1}\r\n{"b":2}\r');
    s.push('\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('decodes a multi-byte UTF-8 character cut between two chunks', () => {
    const { s, lines } = splitter();
    const bytes = Buffer.from('{"s":"héllo €"}\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte euro sign
    s.push(bytes.subarray(0, cut));
    s.push(bytes.subarray(cut));
    expect(lines).toEqual(['{"s":"héllo €"}']);
  });

  it('skips blank and whitespace-only lines', () => {
    const { s, lines } = splitter();
    s.push('\n\r\n   \n{"a":1}\n\n');
    expect(lines).toEqual(['{"a":1}']);
  });

  it('drops a line longer than the limit, reports it once, and carries on with the next line', () => {
    const { s, lines, oversized } = splitter(16);
    s.push('{"x":"' + 'a'.repeat(10));
    s.push('a'.repeat(30));
    s.push('a"}\n{"ok":1}\n');
    expect(lines).toEqual(['<oversized>', '{"ok":1}']);
    expect(oversized()).toBe(1);
  });

  it('accepts a line of exactly the limit', () => {
    const { s, lines } = splitter(8);
    s.push('12345678\n');
    expect(lines).toEqual(['12345678']);
  });

  it('hands over a final line without newline when the input ends', () => {
    const { s, lines } = splitter();
    s.push('{"a":1}\n{"b":2}');
    s.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});
