// Has DuckDB read every Parquet file oups wrote and checks what it finds.
//
//   node interop/duckdb_check_ours.mjs DIR
//
// For each DIR/FILE.parquet with a FILE.parquet.expected.jsonl (written by
// oups-interop-gen from the in-memory table):
//   1. rows: DuckDB's JSON rendering of SELECT * FROM read_parquet(FILE) must equal
//      the expected lines exactly (the first difference is shown);
//   2. statistics: for every row group and column chunk, null_count must be present
//      and equal to DuckDB's count of nulls, and min/max must be present (unless the
//      chunk holds only nulls or NaN) and equal to DuckDB's min()/max() over that
//      row group (NaN excluded; -0.0 equals 0.0; inexact bounds must bound; DuckDB
//      does not report float bounds that are infinite, those are skipped);
//   3. key-value metadata: every entry of FILE.parquet.expected_kv.json must be in
//      parquet_kv_metadata(FILE) with the same value.
// Prints failures, a summary, and a last line "N passed, M failed"; exits 1 on
// any failure, 2 on usage errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, exportJsonl, lit, rows, readLines, firstDifference, bigintSafe } from './lib.mjs';

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  console.error('usage: node interop/duckdb_check_ours.mjs DIR');
  process.exit(2);
}

const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;
const FLOAT_TYPES = new Set(['FLOAT', 'DOUBLE']);

function sameStat(a, b) {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  // -0.0 vs 0.0 (both are valid bounds); also "1e+21" vs "1e21" style differences.
  return a !== null && b !== null && !Number.isNaN(x) && x === y;
}

const show = (v) => {
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
};

function compareBytes(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function checkStatistics(con, file, problems) {
  const types = new Map();
  for (const r of await rows(con, `DESCRIBE SELECT * FROM read_parquet(${lit(file)})`)) {
    types.set(r.column_name, r.column_type);
  }
  const meta = await rows(con, `
    SELECT row_group_id, row_group_num_rows, column_id, path_in_schema,
           stats_min_value, stats_max_value, stats_null_count, min_is_exact, max_is_exact
    FROM parquet_metadata(${lit(file)}) ORDER BY row_group_id, column_id`);
  const groups = new Map();
  for (const m of meta) {
    const g = Number(m.row_group_id);
    if (!groups.has(g)) groups.set(g, { num_rows: Number(m.row_group_num_rows), chunks: [] });
    groups.get(g).chunks.push(m);
  }
  let start = 0;
  for (const [g, { num_rows, chunks }] of [...groups].sort((a, b) => a[0] - b[0])) {
    const end = start + num_rows;
    const aggs = [];
    for (const c of chunks) {
      const col = quoteIdent(c.path_in_schema);
      const isFloat = FLOAT_TYPES.has(types.get(c.path_in_schema));
      const filter = isFloat ? ` FILTER (WHERE NOT isnan(${col}))` : '';
      aggs.push(`min(${col})${filter}::VARCHAR`, `max(${col})${filter}::VARCHAR`,
                `(count(*) - count(${col}))::BIGINT`);
    }
    const [actual] = await rows(con, `
      SELECT ${aggs.map((a, k) => `${a} AS a${k}`).join(', ')}
      FROM read_parquet(${lit(file)}, file_row_number = true)
      WHERE file_row_number >= ${start} AND file_row_number < ${end}`);
    chunks.forEach((c, k) => {
      const where = `row group ${g}, column ${c.path_in_schema}`;
      const min = actual[`a${3 * k}`];
      const max = actual[`a${3 * k + 1}`];
      const nulls = Number(actual[`a${3 * k + 2}`]);
      if (c.stats_null_count === null) {
        problems.push(`${where}: null_count missing (DuckDB counts ${nulls})`);
      } else if (Number(c.stats_null_count) !== nulls) {
        problems.push(`${where}: null_count ${c.stats_null_count}, DuckDB counts ${nulls}`);
      }
      if (min === null) {
        return;  // only nulls (or NaN): no bounds to check
      }
      if (c.stats_min_value === null || c.stats_max_value === null) {
        // DuckDB's parquet_metadata() reports no float bounds when one is infinite
        // (also for files DuckDB wrote itself): nothing to compare then.
        if (['-inf', 'inf'].includes(min) || ['-inf', 'inf'].includes(max)) return;
        problems.push(`${where}: min/max missing (DuckDB: min ${min}, max ${max})`);
        return;
      }
      const isBlob = types.get(c.path_in_schema) === 'BLOB';
      if (c.min_is_exact === false && !isBlob) {
        if (compareBytes(c.stats_min_value, min) > 0) {
          problems.push(`${where}: inexact min ${show(c.stats_min_value)} > DuckDB min ${show(min)}`);
        }
      } else if (!sameStat(c.stats_min_value, min)) {
        problems.push(`${where}: min ${show(c.stats_min_value)}, DuckDB min() ${show(min)}`);
      }
      if (c.max_is_exact === false && !isBlob) {
        if (compareBytes(c.stats_max_value, max) < 0) {
          problems.push(`${where}: inexact max ${show(c.stats_max_value)} < DuckDB max ${show(max)}`);
        }
      } else if (!sameStat(c.stats_max_value, max)) {
        problems.push(`${where}: max ${show(c.stats_max_value)}, DuckDB max() ${show(max)}`);
      }
    });
    start = end;
  }
}

async function checkKeyValues(con, file, problems) {
  const expectedPath = file + '.expected_kv.json';
  if (!fs.existsSync(expectedPath)) return;
  const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
  const actual = await rows(con, `
    SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${lit(file)})`);
  for (const { key, value } of expected) {
    const found = actual.filter((r) => r.key === key);
    if (found.length === 0) {
      problems.push(`key-value metadata: key ${JSON.stringify(key)} missing`);
    } else if (!found.some((r) => r.value === value)) {
      problems.push(`key-value metadata: ${JSON.stringify(key)} = ${JSON.stringify(found[0].value)}, ` +
                    `expected ${JSON.stringify(value)}`);
    }
  }
}

const { con } = await openDuckDB();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oups-check-'));
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.parquet')).sort();
let passed = 0;
let failed = 0;
for (const name of files) {
  const file = path.join(dir, name);
  const expectedPath = file + '.expected.jsonl';
  if (!fs.existsSync(expectedPath)) continue;
  const problems = [];
  try {
    const out = path.join(tmp, name + '.jsonl');
    await exportJsonl(con, file, out);
    const diff = firstDifference(readLines(expectedPath), readLines(out));
    if (diff) {
      problems.push(`rows differ at row ${diff.row}:\n      oups expects: ${diff.expected.slice(0, 600)}\n` +
                    `      DuckDB reads: ${diff.actual.slice(0, 600)}`);
    }
    await checkStatistics(con, file, problems);
    await checkKeyValues(con, file, problems);
  } catch (e) {
    problems.push(`DuckDB error: ${String(e.message ?? e).split('\n')[0]}`);
  }
  if (problems.length === 0) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems.slice(0, 8)) console.log(`    ${p}`);
    if (problems.length > 8) console.log(`    ... ${problems.length - 8} more`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`duckdb_check_ours: DuckDB read ${passed + failed} oups files from ${dir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
