/**
 * Just enough Markdown reading for the tests that keep docs/api.md — the repository's own reference of the wire
 * contract — true to protocol/: sections by heading, table rows, fenced code blocks. Not a Markdown parser; the docs
 * are written to be read by it.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const API_DOC_PATH = resolve(REPO_ROOT, 'docs/api.md');

export interface Section {
  level: number;
  title: string;
  /** Lines under the heading up to the next heading of the same or a higher level (sub-sections included). */
  body: string;
}

/** Every heading with its body; headings inside fenced code blocks are not headings. */
export function sections(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const headings: Array<{ level: number; title: string; line: number }> = [];
  let fenced = false;
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match) headings.push({ level: match[1].length, title: match[2], line: index });
  });
  return headings.map((heading, i) => {
    const next = headings.slice(i + 1).find((h) => h.level <= heading.level);
    const body = lines.slice(heading.line + 1, next ? next.line : lines.length).join('\n');
    return { level: heading.level, title: heading.title, body };
  });
}

/** The one section at `level` whose title starts with `prefix` (case-insensitive); throws when there is none. */
export function section(markdown: string, level: number, prefix: string): Section {
  const found = sections(markdown).filter((s) => s.level === level && s.title.toLowerCase().startsWith(prefix.toLowerCase()));
  if (found.length !== 1) throw new Error(`expected one level-${level} section starting "${prefix}", found ${found.length}`);
  return found[0];
}

/** A heading title without surrounding backticks: "`query.run`" → "query.run". */
export function headingName(title: string): string {
  return title.replace(/^`(.*)`$/, '$1').trim();
}

/** Data rows of every pipe table in `text`, as trimmed cells (header and separator rows dropped). */
export function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line.startsWith('|')) continue;
    const isHeader = /^\|[\s:|-]+\|$/.test((lines[i + 1] ?? '').trim());
    const isSeparator = /^\|[\s:|-]+\|$/.test(line);
    if (isHeader || isSeparator) continue;
    // `\|` inside a cell is an escaped pipe, not a column break.
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|'));
    rows.push(cells);
  }
  return rows;
}

/** Names in backticks within a cell: "`id`, `config`" → ["id", "config"]. */
export function backticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

export interface CodeBlock {
  lang: string;
  text: string;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^\s*```(\w*)[^\n]*\n([\s\S]*?)^\s*```\s*$/gm)].map((m) => ({ lang: m[1], text: m[2] }));
}
