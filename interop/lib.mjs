// Shared helpers of the DuckDB interop scripts: one DuckDB session set up the
// same way everywhere (one thread so that rows come back in file order, UTC so
// that TIMESTAMP WITH TIME ZONE prints "+00", no extension downloads).
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export async function openDuckDB() {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run('SET threads=1');
  await con.run("SET TimeZone='UTC'");
  await con.run('SET autoinstall_known_extensions=false');
  await con.run('SET preserve_insertion_order=true');
  return { instance, con };
}

// SQL string literal.
export function lit(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}

export async function rows(con, sql) {
  return (await con.runAndReadAll(sql)).getRowObjects();
}

// DuckDB's own JSON rendering of every row of a Parquet file, in file order,
// written to `out` (one object per line; empty file for 0 rows).
export async function exportJsonl(con, parquetPath, out) {
  await con.run(
    `COPY (SELECT * FROM read_parquet(${lit(parquetPath)})) TO ${lit(out)} (FORMAT json)`);
}

export function readLines(path) {
  const text = fs.readFileSync(path, 'utf8');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// First difference between two arrays of lines, or null when equal.
export function firstDifference(expected, actual) {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      return { row: i, expected: expected[i] ?? '<no row>', actual: actual[i] ?? '<no row>' };
    }
  }
  return null;
}

export function bigintSafe(value) {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
