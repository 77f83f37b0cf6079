// Writes, with DuckDB, the small valid Parquet files that make_bad_data.py
// mutates into the bad-data corpus (tests/data/bad_data/base/). Run it only to
// regenerate the base files (they are committed, so that the corpus does not
// depend on the DuckDB version installed):
//
//   node tests/data/bad_data/make_base.mjs tests/data/bad_data/base
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.resolve('package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node make_base.mjs OUTDIR');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run('SET threads=1');

// 100 rows: a unique BIGINT (PLAIN), a nullable low-cardinality string
// (RLE_DICTIONARY with a dictionary page) in one row group.
const FLAT = `SELECT i::BIGINT AS id,
  CASE WHEN i % 10 = 3 THEN NULL ELSE 'v' || (i % 5)::VARCHAR END AS s
  FROM range(100) t(i)`;
const files = [
  ['plain.parquet', FLAT, 'COMPRESSION uncompressed'],
  ['snappy.parquet', FLAT, 'COMPRESSION snappy'],
  ['zstd.parquet', FLAT, 'COMPRESSION zstd'],
  ['nested_list.parquet', 'SELECT i::INTEGER AS id, [i, i + 1] AS tags FROM range(5) t(i)', ''],
  ['nested_map.parquet', "SELECT i::INTEGER AS id, MAP {'k': i} AS attrs FROM range(5) t(i)", ''],
  ['nested_struct.parquet', "SELECT i::INTEGER AS id, {'x': i, 'y': 'a'} AS point FROM range(5) t(i)", ''],
];
for (const [name, sql, opts] of files) {
  const file = path.join(outDir, name);
  await con.run(`COPY (${sql}) TO '${file}' (FORMAT parquet${opts ? ', ' + opts : ''})`);
  console.log(`${file}: ${fs.statSync(file).size} bytes`);
}
