// Writes a corpus of Parquet files with DuckDB, for oups's reader to read.
//
//   node interop/gen_duckdb_corpus.mjs OUTDIR
//
// For each FILE.parquet it writes FILE.parquet.expected.jsonl: DuckDB's own JSON
// rendering of SELECT * FROM read_parquet(FILE) (one object per row, in file
// order), which `oups-parquet cat --format jsonl` must reproduce exactly. For a
// file oups must refuse (nested columns), FILE.parquet.expected_error holds a
// string the error message must contain (the column name).
//
// All data is computed from row numbers with integer formulae: the corpus is
// the same on every run.
import fs from 'node:fs';
import path from 'node:path';
import { openDuckDB, exportJsonl, lit, rows } from './lib.mjs';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node interop/gen_duckdb_corpus.mjs OUTDIR');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const CODECS = ['uncompressed', 'snappy', 'zstd', 'gzip', 'lz4_raw', 'brotli'];
const VERSIONS = ['V1', 'V2'];

// Null in about one row out of 7, at a different phase per column.
const maybeNull = (k, expr) => `CASE WHEN (i * 37 + ${k}) % 7 = 0 THEN NULL ELSE ${expr} END`;

// Every flat type oups reads, with edge values, nulls, empty / non-ASCII / long strings.
const TYPES_SELECT = `
SELECT
  i::BIGINT AS id,
  ${maybeNull(1, '(i * 7) % 3 = 0')} AS b,
  ${maybeNull(2, '((i * 97) % 256 - 128)::TINYINT')} AS i8,
  ${maybeNull(3, '((i * 7919) % 65536 - 32768)::SMALLINT')} AS i16,
  ${maybeNull(4, `CASE i % 9 WHEN 0 THEN -2147483648 WHEN 1 THEN 2147483647
                   ELSE (i * 2654435761) % 4294967296 - 2147483648 END::INTEGER`)} AS i32,
  ${maybeNull(5, `CASE i % 9 WHEN 0 THEN -9223372036854775808 WHEN 1 THEN 9223372036854775807
                   ELSE (i * 1000003 - 500000000) * 9223371 END::BIGINT`)} AS i64,
  ${maybeNull(6, '((i * 31) % 256)::UTINYINT')} AS u8,
  ${maybeNull(0, '((i * 7919) % 65536)::USMALLINT')} AS u16,
  ${maybeNull(1, `CASE i % 9 WHEN 0 THEN 4294967295 WHEN 1 THEN 0
                   ELSE (i * 2654435761) % 4294967296 END::UINTEGER`)} AS u32,
  ${maybeNull(2, `CASE i % 9 WHEN 0 THEN 18446744073709551615::UBIGINT WHEN 1 THEN 0::UBIGINT
                   WHEN 2 THEN 9223372036854775808::UBIGINT
                   ELSE (i * 1000003 * 18446744)::UBIGINT END`)} AS u64,
  ${maybeNull(3, `CASE i % 23 WHEN 0 THEN 'inf'::FLOAT WHEN 1 THEN '-inf'::FLOAT
                   WHEN 2 THEN '-0.0'::FLOAT WHEN 3 THEN 3.4028235e38::FLOAT
                   WHEN 4 THEN 1.4e-45::FLOAT
                   ELSE ((i * 7919) % 100003 - 50000)::FLOAT / 64.0::FLOAT * 1.37::FLOAT END`)} AS f32,
  ${maybeNull(4, `CASE i % 23 WHEN 0 THEN 'inf'::DOUBLE WHEN 1 THEN '-inf'::DOUBLE
                   WHEN 2 THEN '-0.0'::DOUBLE WHEN 3 THEN 1.7976931348623157e308
                   WHEN 4 THEN 5e-324 WHEN 5 THEN 1e21 WHEN 6 THEN 1e-7 WHEN 7 THEN 0.1
                   ELSE ((i * 7919) % 100003 - 50000)::DOUBLE / 1000.0 * 1.37 END`)} AS f64,
  ${maybeNull(5, `CASE i % 13 WHEN 0 THEN '' WHEN 1 THEN 'héllo wörld € 𝄞 ' || i
                   WHEN 2 THEN repeat('long-', 250) || i
                   WHEN 3 THEN 'ctl' || chr(1) || chr(9) || chr(10) || '"q"\\/' || chr(127)
                   ELSE 'str_' || i END`)} AS s,
  ${maybeNull(6, `CASE i % 5 WHEN 0 THEN ''::BLOB WHEN 1 THEN '\\x00\\xFF\\x22\\x27\\x5C'::BLOB || encode(i::VARCHAR)
                   ELSE encode('bin' || i) END`)} AS bin,
  ${maybeNull(0, `CASE i % 17 WHEN 0 THEN '0001-01-01'::DATE WHEN 1 THEN '9999-12-31'::DATE
                   ELSE '1970-01-01'::DATE + ((i * 7919) % 40000 - 20000)::INTEGER END`)} AS dt,
  ${maybeNull(1, 'make_timestamp((1700000000 + (i * 7919) % 100000000 - 50000000) * 1000000)::TIMESTAMP_S')} AS ts_s,
  ${maybeNull(2, 'make_timestamp((1700000000000 + (i * 7919) % 100000000000 - 50000000000) * 1000)::TIMESTAMP_MS')} AS ts_ms,
  ${maybeNull(3, 'make_timestamp(1700000000000000 + (i * 79193) % 100000000000000 - 50000000000000)')} AS ts_us,
  ${maybeNull(4, 'make_timestamp_ns(1700000000000000000 + (i * 7919317) % 100000000000000000 - 50000000000000000)')} AS ts_ns,
  ${maybeNull(5, "make_timestamp(1700000000000000 + (i * 79193) % 100000000000000 - 50000000000000)::TIMESTAMPTZ")} AS ts_tz,
  ${maybeNull(6, '(((i * 7) % 19999 - 9999) * 0.01)::DECIMAL(4,2)')} AS dec4_2,
  ${maybeNull(0, '(((i * 7919) % 1999999999 - 999999999) * 0.001)::DECIMAL(9,3)')} AS dec9_3,
  ${maybeNull(1, '(((i * 7919) % 1999999 - 999999) * 0.01)::DECIMAL(12,2)')} AS dec12_2,
  ${maybeNull(2, '(((i * 7919) % 1999999 - 999999) * 0.01)::DECIMAL(16,2)')} AS dec16_2,
  ${maybeNull(3, '((i * 1000003 - 500000000) * 399.123457)::DECIMAL(18,6)')} AS dec18_6,
  ${maybeNull(4, `(((i * 1000003 - 500000000)::HUGEINT * 1234567890123456789::HUGEINT)::VARCHAR || '.'
                   || lpad(((i * 7919) % 10000000000)::VARCHAR, 10, '0'))::DECIMAL(38,10)`)} AS dec38_10,
  ${maybeNull(5, "'cat_' || (i % 5)")} AS lowcard
FROM range(%N%) t(i)`;

const typesSql = (n) => TYPES_SELECT.replace('%N%', String(n));

const { con } = await openDuckDB();
const written = [];

async function copyTo(name, sql, options) {
  const file = path.join(outDir, name);
  await con.run(`COPY (${sql}) TO ${lit(file)} (FORMAT parquet${options ? ', ' + options : ''})`);
  await exportJsonl(con, file, file + '.expected.jsonl');
  written.push(file);
}

await con.run(`CREATE TABLE types AS ${typesSql(2600)}`);

for (const version of VERSIONS) {
  const v = version.toLowerCase();
  for (const codec of CODECS) {
    await copyTo(`types_${codec}_${v}.parquet`, 'SELECT * FROM types ORDER BY id',
                 `COMPRESSION ${codec}, PARQUET_VERSION ${version}`);
  }
  await copyTo(`empty_${v}.parquet`, 'SELECT * FROM types WHERE false',
               `PARQUET_VERSION ${version}`);
  await copyTo(`one_row_${v}.parquet`, 'SELECT * FROM types WHERE id = 8',
               `PARQUET_VERSION ${version}`);
  // Many row groups: ~2 k rows per group (DuckDB rounds to its 2048-row vectors).
  await copyTo(`many_row_groups_${v}.parquet`,
               `SELECT i::BIGINT AS id, (i * 7919) % 10007 AS k, 'g' || (i % 100) AS sym,
                       ((i * 7919) % 10007) / 100.0 AS price
                FROM range(40000) t(i)`,
               `ROW_GROUP_SIZE 2048, COMPRESSION zstd, PARQUET_VERSION ${version}`);
  // Low-cardinality columns: dictionary-encoded (PLAIN_DICTIONARY / RLE_DICTIONARY).
  await copyTo(`low_cardinality_${v}.parquet`,
               `SELECT 'symbol_' || ((i * 7919) % 37) AS sym, (i % 11)::INTEGER AS small_int,
                       ((i % 7) * 0.25)::DOUBLE AS step,
                       CASE WHEN i % 5 = 0 THEN NULL ELSE 'venue_' || (i % 3) END AS venue
                FROM range(50000) t(i)`,
               `PARQUET_VERSION ${version}`);
  // Sorted and near-sorted integers: DELTA_BINARY_PACKED with small and large deltas.
  await copyTo(`deltas_${v}.parquet`,
               `SELECT (1700000000000000000 + i * 100003 + (i * 7919) % 1000)::BIGINT AS ts_int,
                       make_timestamp_ns(1700000000000000000 + i * 100003 + (i * 7919) % 1000) AS ts,
                       (i * 3 - 70000)::INTEGER AS i32, -(i * i)::BIGINT AS neg_sq,
                       'prefix_shared_' || lpad(i::VARCHAR, 8, '0') AS prefixed
                FROM range(70000) t(i)`,
               `PARQUET_VERSION ${version}, COMPRESSION snappy`);
}

await copyTo('all_null.parquet',
             `SELECT NULL::BOOLEAN AS b, NULL::INTEGER AS i32, NULL::BIGINT AS i64, NULL::DOUBLE AS f64,
                     NULL::VARCHAR AS s, NULL::BLOB AS bin, NULL::DATE AS dt, NULL::TIMESTAMP AS ts,
                     NULL::DECIMAL(9,2) AS dec9, NULL::DECIMAL(20,2) AS dec20
              FROM range(300)`);
await copyTo('nan_floats.parquet',
             `SELECT i::INTEGER AS id, CASE WHEN i % 3 = 0 THEN 'nan'::DOUBLE ELSE i / 8.0 END AS f64,
                     CASE WHEN i % 4 = 0 THEN 'nan'::FLOAT ELSE (i / 8.0)::FLOAT END AS f32
              FROM range(100) t(i)`);
await copyTo('long_strings.parquet',
             `SELECT i::INTEGER AS id, repeat(chr(97 + (i % 26)::INTEGER) || 'é', 100 + (i * 997) % 60000) AS s,
                     CASE WHEN i % 4 = 0 THEN NULL ELSE encode(repeat('xyz', 400 + i)) END AS bin
              FROM range(120) t(i)`,
             'COMPRESSION zstd');
await copyTo('kv_metadata.parquet', 'SELECT * FROM types WHERE id < 50 ORDER BY id',
             `KV_METADATA {origin: 'duckdb', note: 'héllo "kv"'}`);
for (const codec of CODECS) {
  // Ints and strings only, bigger pages: exercises each codec on larger buffers.
  await copyTo(`bulk_${codec}.parquet`,
               `SELECT i::BIGINT AS id, (i * 7919) % 10007 AS k, 'row ' || i || ' ' || repeat('ab', i % 17) AS s
                FROM range(30000) t(i)`,
               `COMPRESSION ${codec}`);
}

// Nested: oups must refuse it with an error naming the column.
{
  const file = path.join(outDir, 'nested_list.parquet');
  await con.run(`COPY (SELECT i::INTEGER AS id, [i, i + 1] AS tags FROM range(10) t(i))
                 TO ${lit(file)} (FORMAT parquet)`);
  fs.writeFileSync(file + '.expected_error', 'tags\n');
  written.push(file);
}

// What DuckDB actually emitted, for the record.
const encodings = new Map();
for (const file of written) {
  for (const r of await rows(con, `SELECT encodings, compression FROM parquet_metadata(${lit(file)})`)) {
    for (const e of String(r.encodings).split(', ')) {
      encodings.set(e, (encodings.get(e) ?? 0) + 1);
    }
  }
}
console.log(`gen_duckdb_corpus: ${written.length} files in ${outDir}; column chunks per encoding: ` +
            [...encodings].map(([e, n]) => `${e}=${n}`).join(' '));
