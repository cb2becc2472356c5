import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitStatements, statementRanges } from '../../../protocol/sql-split.js';

describe('splitStatements: every dialect', () => {
  for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
    it(`${dialect}: splits on ; outside quotes and comments, drops empty and comment-only pieces`, () => {
      const sql = "select 'a;b' as x; -- one; two\nselect 2 /* ; */ ;;  ; \n-- trailing comment; only\n";
      expect(splitStatements(sql, dialect)).toEqual(["select 'a;b' as x", '-- one; two\nselect 2 /* ; */']);
    });

    it(`${dialect}: a single statement without terminator comes back unchanged`, () => {
      expect(splitStatements('  select 1  ', dialect)).toEqual(['select 1']);
      expect(splitStatements('', dialect)).toEqual([]);
      expect(splitStatements('  ;\n ; -- nothing\n/* at all */', dialect)).toEqual([]);
    });

    it(`${dialect}: any list of statements with quoted ; -- /* # inside comes back as written`, () => {
      // Backslashes are left out: they escape in MySQL strings and not elsewhere, so no one text is right for all.
      const text = fc.string({ unit: fc.constantFrom('a', ';', ' ', "'", '"', '-', '/', '*', '#', '$', 'é', '\n') });
      const statement = fc.oneof(
        fc.nat().map((n) => `select ${n}`),
        text.map((t) => `select '${t.replaceAll("'", "''")}'`),
        text.map((t) => `select 1 as "${t.replaceAll('"', '""')}"`),
      );
      fc.assert(
        fc.property(fc.array(statement, { maxLength: 6 }), (statements) => {
          expect(splitStatements(statements.join(';\n'), dialect)).toEqual(statements);
        }),
        { numRuns: 300 },
      );
    });

    it(`${dialect}: doubled quotes and double-quoted identifiers hold a ;`, () => {
      expect(splitStatements(`select 'it''s; fine', "a;b" from t; select 2`, dialect)).toEqual([
        `select 'it''s; fine', "a;b" from t`,
        'select 2',
      ]);
    });
  }
});

describe('splitStatements: postgres', () => {
  it('keeps dollar-quoted bodies whole, tagged or not', () => {
    const sql = `create function f() returns int language sql as $$ select 1; $$;
      do $body$ begin perform 1; end $body$;
      select $x$ ; $x$`;
    expect(splitStatements(sql, 'postgres')).toEqual([
      'create function f() returns int language sql as $$ select 1; $$',
      'do $body$ begin perform 1; end $body$',
      'select $x$ ; $x$',
    ]);
  });

  it("understands E'' strings with backslash escapes", () => {
    expect(splitStatements(`select E'it\\'s; here'; select 2`, 'postgres')).toEqual([`select E'it\\'s; here'`, 'select 2']);
  });

  it('understands nested block comments', () => {
    expect(splitStatements('select 1 /* a /* nested; */ still; */; select 2', 'postgres')).toEqual([
      'select 1 /* a /* nested; */ still; */',
      'select 2',
    ]);
  });

  it('does not treat a positional parameter as a dollar quote', () => {
    expect(splitStatements('select $1, $2; select 3', 'postgres')).toEqual(['select $1, $2', 'select 3']);
  });
});

describe('splitStatements: mysql', () => {
  it('understands backticks, backslash escapes and # comments', () => {
    const sql = "select `a;b` from t; # note; here\nselect 'it\\'s;', \"q\\\";\"; select 3 # end; still the comment\n;#\n";
    expect(splitStatements(sql, 'mysql')).toEqual([
      'select `a;b` from t',
      "# note; here\nselect 'it\\'s;', \"q\\\";\"",
      'select 3 # end; still the comment',
    ]);
  });

  it('follows DELIMITER changes and leaves the DELIMITER lines out', () => {
    const sql = `DELIMITER //
CREATE PROCEDURE p()
BEGIN
  SELECT 1;
  SELECT 2;
END//
DELIMITER ;
CALL p();
SELECT 3;`;
    expect(splitStatements(sql, 'mysql')).toEqual(['CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND', 'CALL p()', 'SELECT 3']);
  });
});

describe('splitStatements: sqlite', () => {
  it('splits a transaction into its statements (BEGIN is not a block here)', () => {
    expect(splitStatements('BEGIN; insert into t values (1); COMMIT; select 2;', 'sqlite')).toEqual([
      'BEGIN',
      'insert into t values (1)',
      'COMMIT',
      'select 2',
    ]);
    expect(splitStatements('begin immediate; end', 'sqlite')).toEqual(['begin immediate', 'end']);
  });

  it('is not fooled by identifiers that contain begin/end', () => {
    expect(splitStatements('select beginning, end_date, xbegin from t; select 2', 'sqlite')).toEqual([
      'select beginning, end_date, xbegin from t',
      'select 2',
    ]);
  });

  it('keeps a CREATE TRIGGER body whole, CASE … END inside included', () => {
    const trigger = `CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN
  INSERT INTO log VALUES (CASE WHEN new.a > 0 THEN 'pos;' ELSE 'neg' END);
  UPDATE x SET y = 1; -- a comment; with a semicolon
END`;
    expect(splitStatements(`${trigger};\nselect 1;`, 'sqlite')).toEqual([trigger, 'select 1']);
  });

  it('understands [bracket] and `backtick` identifiers', () => {
    expect(splitStatements('select [a;b], `c;d` from t; select 3', 'sqlite')).toEqual(['select [a;b], `c;d` from t', 'select 3']);
  });
});

describe('statementRanges: offsets, lazily', () => {
  it('gives offsets into the text that slice to the statements', () => {
    const sql = '  select 1;\n-- c\nselect 2 ; ; select 3';
    const ranges = [...statementRanges(sql, 'postgres')];
    expect(ranges.map((r) => sql.slice(r.start, r.end))).toEqual(['select 1', '-- c\nselect 2', 'select 3']);
    expect(ranges[0]).toEqual({ start: 2, end: 10 });
  });

  it('has read nothing past the statement it yielded (an unterminated quote later does not matter yet)', () => {
    const ranges = statementRanges("select 1; select 2; select 'open", 'postgres');
    expect(ranges.next().value).toEqual({ start: 0, end: 8 });
    expect(ranges.next().value).toEqual({ start: 10, end: 18 });
    expect(ranges.next().value).toEqual({ start: 20, end: 32 });
    expect(ranges.next().done).toBe(true);
  });

  it('mysql: a DELIMITER of several characters, even one that starts like a comment or a quote', () => {
    const sql = 'DELIMITER $$\nselect 1; select 2$$\ndelimiter //\nselect 3//\nDELIMITER ;\nselect 4;';
    expect(splitStatements(sql, 'mysql')).toEqual(['select 1; select 2', 'select 3', 'select 4']);
  });
});
