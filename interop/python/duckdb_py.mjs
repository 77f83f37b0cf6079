// DuckDB side of the Python interop check (driven by interop/python/py_interop.py).
//
//   node interop/python/duckdb_py.mjs dump DIR    for every DIR/<name>_opdmd (a dataset the Python
//       package wrote), DuckDB reads the metadata file and the row-group files in the metadata's
//       row order and writes DIR/<name>.duckdb.json: {"meta_columns", "columns": [[name, type]],
//       "rows": [[text | null, ...]], "oups": <the metadata file's `oups` key-value>,
//       "pandas": <the `pandas` key-value of the first rg file, if any>}.
//   node interop/python/duckdb_py.mjs write DIR   DuckDB writes flat Parquet files (every codec,
//       Parquet V1 and V2) as one-row-group datasets DIR/<name>/file_00000000.parquet with a
//       metadata file DIR/<name>_opdmd (4 columns + the `oups` JSON key), and its own rendering of
//       the same rows in DIR/<name>.duckdb.json, for the Python package to read back.
// Values are rendered as text by DuckDB (see render()): integers and floats as VARCHAR casts,
// timestamps as epoch nanoseconds (instants), dates as ISO text, blobs as hex.
import fs from 'node:fs';
import path from 'node:path';
import { openDuckDB, lit, rows, bigintSafe } from '../lib.mjs';

const [mode, dir] = process.argv.slice(2);
if (!['dump', 'write'].includes(mode) || !dir || !fs.existsSync(dir)) {
  console.error('usage: node interop/python/duckdb_py.mjs dump|write DIR');
  process.exit(2);
}

const ident = (s) => `"${s.replaceAll('"', '""')}"`;

function render(name, type) {
  const c = ident(name);
  if (type.startsWith('TIMESTAMP')) return `epoch_ns(${c})::VARCHAR`;
  if (type === 'BLOB') return `hex(${c})`;
  return `CAST(${c} AS VARCHAR)`;
}

async function renderedRows(con, from, columns, order) {
  const select = columns.map(([n, t]) => `${render(n, t)} AS ${ident(n)}`).join(', ');
  const reader = await con.runAndReadAll(`SELECT ${select} FROM ${from} ${order}`);
  return reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
}

async function describe(con, from) {
  return (await rows(con, `DESCRIBE SELECT * FROM ${from}`))
    .map((r) => [r.column_name, r.column_type]);
}

async function dump(con) {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('_opdmd') && f !== '_opdmd')
    .map((f) => f.slice(0, -'_opdmd'.length)).sort();
  for (const name of names) {
    const meta = path.join(dir, `${name}_opdmd`);
    const metaColumns = await describe(con, `read_parquet(${lit(meta)})`);
    const ids = (await rows(con, `SELECT file_ids::VARCHAR AS id FROM read_parquet(${lit(meta)},
        file_row_number = true) ORDER BY file_row_number`)).map((r) => r.id);
    const files = ids.map((id) => path.join(dir, name, `file_${id.padStart(8, '0')}.parquet`));
    const metaKv = await rows(con, `SELECT decode(key) AS k, decode(value) AS v
                                    FROM parquet_kv_metadata(${lit(meta)})`);
    const oups = metaKv.find((r) => r.k === 'oups');
    const out = { meta_columns: metaColumns, oups: oups ? oups.v : null, columns: [], rows: [],
                  pandas: null };
    if (files.length > 0) {
      const list = `[${files.map(lit).join(', ')}]`;
      const from = `read_parquet(${list}, filename = true, file_row_number = true)`;
      out.columns = (await describe(con, from))
        .filter(([n]) => n !== 'filename' && n !== 'file_row_number');
      out.rows = await renderedRows(con, from, out.columns,
                                    `ORDER BY list_position(${list}, filename), file_row_number`);
      // The `pandas` key-value metadata of every rg file, in row order (null when absent).
      out.pandas = [];
      for (const file of files) {
        const kv = await rows(con, `SELECT decode(key) AS k, decode(value) AS v
                                    FROM parquet_kv_metadata(${lit(file)})`);
        const pandas = kv.find((r) => r.k === 'pandas');
        out.pandas.push(pandas ? pandas.v : null);
      }
    }
    fs.writeFileSync(path.join(dir, `${name}.duckdb.json`), bigintSafe(out));
  }
  console.log(`duckdb_py: DuckDB dumped ${names.length} datasets of ${dir}`);
}

// Table of every flat type, with nulls in every column but the ordered one.
const SOURCE = `
  SELECT i::BIGINT AS o,
         CASE WHEN i % 7 = 3 THEN NULL ELSE (i % 256 - 128)::TINYINT END AS i8,
         CASE WHEN i % 7 = 4 THEN NULL ELSE (i * 37 % 65536 - 32768)::SMALLINT END AS i16,
         CASE WHEN i % 5 = 1 THEN NULL ELSE (i * 2654435761 % 4294967296 - 2147483648)::INTEGER END AS i32,
         CASE WHEN i = 0 THEN -9223372036854775808 WHEN i = 1 THEN 9223372036854775807
              WHEN i % 6 = 2 THEN NULL ELSE i * 1000003 - 500000 END::BIGINT AS i64,
         CASE WHEN i % 4 = 2 THEN NULL ELSE (i % 256)::UTINYINT END AS u8,
         (i * 31 % 65536)::USMALLINT AS u16,
         CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 2654435761 % 4294967296)::UINTEGER END AS u32,
         CASE WHEN i = 1 THEN 18446744073709551615 ELSE i * 7 END::UBIGINT AS u64,
         CASE WHEN i % 8 = 5 THEN NULL ELSE (i / 8.0)::FLOAT END AS f32,
         CASE WHEN i % 8 = 6 THEN NULL WHEN i = 2 THEN 'nan'::DOUBLE WHEN i = 3 THEN 'inf'::DOUBLE
              WHEN i = 4 THEN -1e300 ELSE i / 3.0 END::DOUBLE AS f64,
         CASE WHEN i % 5 = 0 THEN NULL ELSE 'str-' || (i % 13)::VARCHAR || repeat('é', i % 3) END AS s,
         CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
         CASE WHEN i % 10 = 7 THEN NULL ELSE DATE '1969-12-25' + (i * 3)::INTEGER END AS d,
         CASE WHEN i % 11 = 1 THEN NULL
              ELSE TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 1234567) END AS ts_us,
         CASE WHEN i % 11 = 2 THEN NULL
              ELSE make_timestamp_ns(1700000000000000000 + i * 1000000007) END AS ts_ns,
         CASE WHEN i % 11 = 3 THEN NULL
              ELSE (TIMESTAMP '2020-02-29 12:00:00' + to_milliseconds(i * 86400123))::TIMESTAMP_MS END AS ts_ms,
         CASE WHEN i % 11 = 4 THEN NULL
              ELSE TIMESTAMPTZ '2024-03-31 00:30:00+00' + to_microseconds(i * 600000001) END AS tstz,
         CASE WHEN i % 6 = 0 THEN NULL ELSE ('\\x00\\xFFab' || i::VARCHAR)::BLOB END AS bl
  FROM range(0, N) t(i)`;

const VARIANTS = [
  ['snappy_v1', 'snappy', 'V1', 1000],
  ['zstd_v2', 'zstd', 'V2', 1000],
  ['gzip_v1', 'gzip', 'V1', 257],
  ['uncompressed_v2', 'uncompressed', 'V2', 300],
  ['lz4_v1', 'lz4_raw', 'V1', 100],
  ['brotli_v2', 'brotli', 'V2', 50],
];

// The `schema` member of the metadata's `oups` JSON (architecture: stored column names, types,
// nullability) for a flat file DuckDB wrote, from the file's own Parquet schema.
const TYPE_IDS = {
  BIGINT: 'int64', INTEGER: 'int32', SMALLINT: 'int16', TINYINT: 'int8', UBIGINT: 'uint64',
  UINTEGER: 'uint32', USMALLINT: 'uint16', UTINYINT: 'uint8', FLOAT: 'float32',
  DOUBLE: 'float64', VARCHAR: 'string', BOOLEAN: 'bool', DATE: 'date32', BLOB: 'binary',
};
async function oupsSchema(con, file) {
  const described = await describe(con, `read_parquet(${lit(file)})`);
  const logical = new Map((await rows(con, `SELECT name, logical_type FROM parquet_schema(${lit(file)})`))
    .map((r) => [r.name, r.logical_type ?? '']));
  const fields = described.map(([name, type]) => {
    let t;
    if (type.startsWith('TIMESTAMP')) {
      const lt = logical.get(name);
      const unit = /MILLIS=MilliSeconds/.test(lt) ? 'ms' : /NANOS=NanoSeconds/.test(lt) ? 'ns' : 'us';
      t = { id: 'timestamp', unit };
      if (/isAdjustedToUTC=1/.test(lt)) t.tz = 'UTC';
    } else {
      t = { id: TYPE_IDS[type] };
      if (!t.id) throw new Error(`no oups type for DuckDB type ${type} of column ${name}`);
    }
    return { name, type: t, nullable: true };
  });
  return { fields, pandas: null };
}

async function write(con) {
  for (const [name, codec, version, n] of VARIANTS) {
    const src = SOURCE.replace('range(0, N)', `range(0, ${n})`);
    await con.run(`CREATE OR REPLACE TABLE t AS ${src} ORDER BY o`);
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    const file = path.join(dir, name, 'file_00000000.parquet');
    await con.run(`COPY t TO ${lit(file)} (FORMAT parquet, COMPRESSION ${codec},
                   PARQUET_VERSION ${version}, ROW_GROUP_SIZE 1000000)`);
    const oups = JSON.stringify({ format_version: 1, ordered_on: 'o',
                                  key_value_metadata: { written_by: 'duckdb' },
                                  schema: await oupsSchema(con, file), max_used_file_id: null });
    await con.run(`COPY (SELECT 0::UBIGINT AS file_ids, count(*)::UBIGINT AS n_rows,
                          min(o) AS ordered_on_mins, max(o) AS ordered_on_maxs FROM t)
                   TO ${lit(path.join(dir, `${name}_opdmd`))}
                   (FORMAT parquet, KV_METADATA {oups: ${lit(oups)}})`);
    const from = `read_parquet(${lit(file)}, file_row_number = true)`;
    const columns = (await describe(con, from)).filter(([c]) => c !== 'file_row_number');
    const out = { columns, rows: await renderedRows(con, from, columns, 'ORDER BY file_row_number') };
    fs.writeFileSync(path.join(dir, `${name}.duckdb.json`), bigintSafe(out));
  }
  console.log(`duckdb_py: DuckDB wrote ${VARIANTS.length} datasets in ${dir}`);
}

const { con } = await openDuckDB();
if (mode === 'dump') await dump(con); else await write(con);
