/**
 * The text of the large-sql case: a dump as pg_dump --rows-per-insert / mysqldump / sqlite3 .dump write one — a
 * header of comments, then INSERTs of ten rows each inside one transaction (as `.dump` and `--single-transaction`
 * restores do; without it every INSERT would wait for its own commit to reach the disk) — whose strings hold `;`,
 * `--` and doubled quotes, so the splitter has to read every quote. Both sides of the case build it with this one function, so they run byte-for-byte the same script.
 */
export const LARGE_SQL_BYTES = 10 * 1024 * 1024;
const ROWS_PER_INSERT = 10;

export function largeSqlTableDdl(table: string): string {
  return `create table ${table} (id integer primary key, name varchar(64) not null, note varchar(200) not null)`;
}

/** The script, and how many rows it inserts. */
export function largeSqlScript(table: string, bytes = LARGE_SQL_BYTES): { sql: string; rows: number } {
  const parts = [`-- Dump of ${table}\n-- a header; with a semicolon, as dumps have\n\nBEGIN;\n`];
  let size = parts[0].length;
  let id = 0;
  while (size < bytes) {
    const values: string[] = [];
    for (let k = 0; k < ROWS_PER_INSERT; k++) {
      id++;
      values.push(`(${id}, 'name ${id}', 'it''s row ${id}; -- not a comment, /* nor this */')`);
    }
    const statement = `INSERT INTO ${table} (id, name, note) VALUES ${values.join(', ')};\n`;
    parts.push(statement);
    size += statement.length;
  }
  parts.push('COMMIT;\n');
  return { sql: parts.join(''), rows: id };
}
