// Writes small DuckDB-made seed files for parquet_file_fuzz (V1 and V2 pages,
// DELTA_* and BYTE_STREAM_SPLIT encodings, every codec), complementing the
// seeds of our own writer (oups_fuzz_seeds). Committed output; rerun with
//   node fuzz/make_duckdb_seeds.mjs fuzz/corpus/parquet_file_fuzz
import fs from 'node:fs';
import path from 'node:path';
import { openDuckDB } from '../interop/lib.mjs';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node fuzz/make_duckdb_seeds.mjs OUTDIR');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const { con } = await openDuckDB();
const SQL = `SELECT i::BIGINT AS id,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 11)::INTEGER END AS small,
  (i * 1.5)::DOUBLE AS f64, (i * 0.25)::FLOAT AS f32,
  CASE WHEN i % 5 = 0 THEN NULL ELSE 'name_' || (i % 9)::VARCHAR END AS s,
  'unique-' || i::VARCHAR AS u, (i % 3 = 0) AS b,
  TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS ts,
  (i * 3.25)::DECIMAL(9, 2) AS d9, (i * 7.5)::DECIMAL(30, 4) AS d30,
  DATE '2020-01-01' + (i % 400)::INTEGER AS day
  FROM range(60) t(i)`;
for (const version of ['V1', 'V2']) {
  for (const codec of ['uncompressed', 'snappy', 'zstd', 'gzip', 'lz4_raw', 'brotli']) {
    const file = path.join(outDir, `duckdb_${codec}_${version.toLowerCase()}.parquet`);
    await con.run(`COPY (${SQL}) TO '${file}' (FORMAT parquet, COMPRESSION ${codec},
      PARQUET_VERSION ${version}, ROW_GROUP_SIZE 32)`);
  }
}
console.log('done');
