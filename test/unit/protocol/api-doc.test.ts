/**
 * docs/api.md is the users' copy of the wire contract. These tests fail when it falls behind protocol/: a method,
 * event or error code missing or invented, a param left undocumented, an example that would not pass validation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST, EVENT_LIST, METHOD_LIST, isErrorCode, type MethodDescriptor } from '../../../protocol/index.js';
import { z } from 'zod';
import { API_DOC_PATH, backticked, codeBlocks, headingName, section, sections, tableRows } from './markdown.js';
import { paramsByPosition } from './params-by-position.js';

const doc = readFileSync(API_DOC_PATH, 'utf8');
const methodNames = METHOD_LIST.map((m) => m.method);
const eventNames = EVENT_LIST.map((e) => e.event);
const byName = new Map(METHOD_LIST.map((m) => [m.method, m]));
/** `domain.name`, the shape of every method and event name. */
const WIRE_NAME = /^[a-z]+\.[a-z][A-Za-z]*$/;

function wireHeadingsUnder(title: string): string[] {
  return sections(section(doc, 2, title).body)
    .filter((s) => s.level === 3)
    .map((s) => headingName(s.title))
    .filter((name) => WIRE_NAME.test(name));
}

/** The body of a method's `### name` section; empty when the heading is missing (another test names that). */
function methodSection(name: string): string {
  return sections(section(doc, 2, 'Methods').body).find((s) => s.level === 3 && headingName(s.title) === name)?.body ?? '';
}

function paramKeys(descriptor: MethodDescriptor): string[] {
  const schema = descriptor.params;
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return schema.options.flatMap((o) => (o instanceof z.ZodObject ? Object.keys(o.shape) : []));
  return [];
}

describe('docs/api.md', () => {
  it('has a "### name" heading under "Methods" for every method of METHOD_LIST and for no other', () => {
    const documented = wireHeadingsUnder('Methods');
    expect(documented.filter((n) => !methodNames.includes(n)), 'documented but not in METHOD_LIST').toEqual([]);
    expect(methodNames.filter((n) => !documented.includes(n)), 'in METHOD_LIST but not documented').toEqual([]);
    expect(new Set(documented).size, 'each method documented once').toBe(documented.length);
  });

  it('has a "### name" heading under "Events" for every event of EVENT_LIST and for no other', () => {
    const documented = wireHeadingsUnder('Events');
    expect(documented.filter((n) => !eventNames.includes(n)), 'documented but not in EVENT_LIST').toEqual([]);
    expect(eventNames.filter((n) => !documented.includes(n)), 'in EVENT_LIST but not documented').toEqual([]);
    expect(new Set(documented).size, 'each event documented once').toBe(documented.length);
  });

  it('has no method- or event-like heading outside those two sections', () => {
    const all = sections(doc)
      .filter((s) => s.level === 3)
      .map((s) => headingName(s.title))
      .filter((name) => WIRE_NAME.test(name));
    expect(all.sort()).toEqual([...wireHeadingsUnder('Methods'), ...wireHeadingsUnder('Events')].sort());
  });

  it.each(METHOD_LIST.map((m) => [m.method, m] as const))('names every param of %s in backticks', (name, descriptor) => {
    const body = methodSection(name);
    for (const key of paramKeys(descriptor)) expect(body, `${name} documents "${key}"`).toContain(`\`${key}\``);
  });

  it('lists every code of ERROR_CODES in its error table, each with a meaning, and no other code', () => {
    const rows = tableRows(section(doc, 2, 'Error codes').body).filter(([first]) => /^`[A-Z][A-Z_]+`$/.test(first ?? ''));
    const documented = rows.map(([first]) => backticked(first)[0]);
    expect(documented.filter((c) => !isErrorCode(c)), 'documented but not in ERROR_CODES').toEqual([]);
    expect(ERROR_CODE_LIST.filter((c) => !documented.includes(c)), 'in ERROR_CODES but not documented').toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
    for (const [code, meaning] of rows) expect(meaning?.length ?? 0, `${code} has a meaning`).toBeGreaterThan(10);
  });

  it.each(METHOD_LIST.filter((m) => Array.isArray(m.positional)).map((m) => [m.method, m] as const))(
    'tables the params of %s in positional order',
    (name, descriptor) => {
      // Rows of the params table: | # | `name` | type | note |
      const tabled = tableRows(methodSection(name))
        .filter(([position, param]) => /^\d+$/.test(position ?? '') && /^`[^`]+`$/.test(param ?? ''))
        .map(([position, param]) => ({ position: Number(position), name: backticked(param)[0] }));
      expect(tabled.map((r) => r.name)).toEqual(descriptor.positional);
      expect(tabled.map((r) => r.position)).toEqual(tabled.map((_, i) => i + 1));
    },
  );

  it.each(METHOD_LIST.filter((m) => Array.isArray(m.positional)).map((m) => [m.method, m] as const))(
    'marks each param of %s required or optional as its schema does',
    (name, descriptor) => {
      const shape = (descriptor.params as z.ZodObject).shape as Record<string, z.ZodType>;
      const rows = tableRows(methodSection(name)).filter(([position, param]) => /^\d+$/.test(position ?? '') && /^`[^`]+`$/.test(param ?? ''));
      for (const [, param, , note] of rows) {
        const key = backticked(param!)[0]!;
        const optional = shape[key]!.safeParse(undefined).success;
        expect(note, `${name} ${key}`).toMatch(optional ? /^optional/ : /^required/);
      }
    },
  );

  it.each(METHOD_LIST.map((m) => [m.method] as const))('names only real error codes in the "Errors" line of %s', (name) => {
    const body = methodSection(name);
    const errorLines = body.split('\n').filter((line) => line.includes('**Errors:**'));
    expect(errorLines, `${name} has one "**Errors:**" line`).toHaveLength(1);
    // Upper-case words in backticks are codes; `connectionId` or `connection/` in an explanation are not.
    const codes = backticked(errorLines[0]).filter((c) => /^[A-Z][A-Z_]*$/.test(c));
    expect(codes.filter((c) => !isErrorCode(c))).toEqual([]);
  });

  describe('JSON examples', () => {
    const messages = codeBlocks(doc)
      .filter((b) => b.lang === 'json')
      .map((b) => parseBlock(b.text).flatMap((m) => (Array.isArray(m.value) ? m.value.map((value) => ({ text: m.text, value })) : [m])));

    it('are valid JSON (one value per block, or one message per line)', () => {
      expect(messages.length).toBeGreaterThan(5);
      for (const block of messages) for (const m of block) expect(m.error, m.text).toBeUndefined();
    });

    it('call methods that exist with params their schema accepts, unless the same block shows the fault', () => {
      for (const block of messages) {
        const faulted = new Set(block.filter((m) => isObject(m.value) && 'error' in m.value).map((m) => (m.value as { id?: unknown }).id));
        for (const { value } of block) {
          if (!isRequest(value) || eventNames.includes(value.method) || faulted.has(value.id)) continue;
          const descriptor = byName.get(value.method);
          expect(descriptor, `example calls unknown method ${value.method}`).toBeDefined();
          const named = Array.isArray(value.params) ? paramsByPosition(descriptor!, value.params) : (value.params ?? {});
          const parsed = descriptor!.params.safeParse(named);
          expect(parsed.error?.issues, `${value.method} example params`).toBeUndefined();
        }
      }
    });

    it('answer with envelopes whose error codes exist', () => {
      for (const block of messages) {
        for (const { value } of block) {
          if (!isObject(value) || !('result' in value)) continue;
          const result = value.result as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
          expect(typeof result.ok).toBe('boolean');
          if (result.ok) expect(result).toHaveProperty('data');
          else expect(isErrorCode(result.error?.code), JSON.stringify(result.error)).toBe(true);
        }
      }
    });

    it('send events that exist', () => {
      for (const block of messages) {
        for (const { value } of block) {
          if (isRequest(value) && !('id' in value) && !byName.has(value.method)) expect(eventNames).toContain(value.method);
        }
      }
    });
  });
});

interface ParsedMessage {
  text: string;
  value?: unknown;
  error?: string;
}

function parseBlock(text: string): ParsedMessage[] {
  try {
    return [{ text, value: JSON.parse(text) }];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return { text: line, value: JSON.parse(line) };
        } catch (error) {
          return { text: line, error: (error as Error).message };
        }
      });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isRequest(value: unknown): value is { method: string; params?: unknown; id?: unknown } {
  return isObject(value) && value.jsonrpc === '2.0' && typeof value.method === 'string';
}
