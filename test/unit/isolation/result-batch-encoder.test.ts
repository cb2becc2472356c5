import { describe, expect, it } from 'vitest';
import { ResultBatchEncoder, uniqueColumnNames } from '../../../workers/result-batch-encoder.js';

const col = (name: string) => ({ name, type: 'text' });

describe('result batch encoding', () => {
  it('keys object rows by column name and renames later duplicates name_2, name_3…', () => {
    const json = new ResultBatchEncoder('s', 'r').encode({
      resultSetIndex: 0,
      batchIndex: 0,
      columns: [col('id'), col('id'), col('x'), col('id')],
      rows: [[1, 2, 3, 4]],
      complete: true,
    });
    const params = JSON.parse(json);
    expect(params.rows).toEqual([{ id: 1, id_2: 2, x: 3, id_3: 4 }]);
    expect(params.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'id_2', 'x', 'id_3']);
  });

  it('never reuses a suffix another column already has', () => {
    expect(uniqueColumnNames([col('a'), col('a'), col('a_2')]).map((c) => c.name)).toEqual(['a', 'a_3', 'a_2']);
  });

  it('treats a column named __proto__ as an ordinary key', () => {
    const json = new ResultBatchEncoder('s', 'r').encode({ resultSetIndex: 0, batchIndex: 0, columns: [col('__proto__')], rows: [[7]], complete: false });
    expect(json).toContain('"rows":[{"__proto__":7}]');
  });

  it('serializes rows last, after rowCount, in both forms (docs/api.md query.result: a client may read the head alone)', () => {
    const encoder = new ResultBatchEncoder('s', 'r', 'array');
    const parsed = encoder.encode({ resultSetIndex: 0, batchIndex: 0, columns: [col('a')], rows: [[1], [2]], complete: false, cursorToken: 'r:1' });
    const spliced = encoder.encode({ resultSetIndex: 0, batchIndex: 1, columns: [col('a')], rows: ['[3]', '[4]', '[5]'], rowsAreJson: true, complete: true });
    for (const [json, count] of [[parsed, 2], [spliced, 3]] as const) {
      expect(Object.keys(JSON.parse(json)).at(-1)).toBe('rows');
      expect(json).toMatch(new RegExp(`"rowCount":${count},.*,"rows":\\[[^]*\\]}$`));
    }
  });

  it('keeps rows as arrays and the original column names in array format', () => {
    const json = new ResultBatchEncoder('s', 'r', 'array').encode({
      resultSetIndex: 1,
      batchIndex: 2,
      columns: [col('a'), col('a')],
      rows: [[1, 2]],
      complete: false,
      rowsAffected: 0,
    });
    expect(JSON.parse(json)).toEqual({
      sessionId: 's',
      runId: 'r',
      resultSetIndex: 1,
      batchIndex: 2,
      rowCount: 1,
      rows: [[1, 2]],
      columns: [col('a'), col('a')],
      complete: false,
      rowsAffected: 0,
    });
  });
});
