// Has DuckDB read the OrderedDatasets oups-dataset-gen wrote and checks them.
//
//   node interop/duckdb_check_dataset.mjs DIR
//
// For each DIR/<name>.expected.jsonl (oups's rendering of OrderedDataset::Read(),
// i.e. every row in row order):
//   1. metadata file: DuckDB reads DIR/<name>_opdmd as Parquet and sees exactly the
//      columns file_ids, n_rows, ordered_on_mins, ordered_on_maxs (in this order);
//   2. files: the files of DIR/<name>/*.parquet are exactly the file_<id>.parquet
//      (id zero-padded to 8 digits) its file_ids name, and each holds n_rows rows;
//   3. rows: DuckDB reading DIR/<name>/*.parquet, ordered by the position of each
//      file's id in the metadata file then by row number within the file, renders
//      exactly the expected lines (the first difference is shown).
// Prints failures, a summary, and a last line "N passed, M failed"; exits 1 on
// any failure, 2 on usage errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, lit, rows, readLines, firstDifference } from './lib.mjs';

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  console.error('usage: node interop/duckdb_check_dataset.mjs DIR');
  process.exit(2);
}

const META_COLUMNS = ['file_ids', 'n_rows', 'ordered_on_mins', 'ordered_on_maxs'];
const fileName = (id) => `file_${String(id).padStart(8, '0')}.parquet`;

async function checkDataset(con, name, tmp, problems) {
  const meta = path.join(dir, `${name}_opdmd`);
  const dataDir = path.join(dir, name);
  // 1. The metadata file, read by DuckDB.
  const columns = (await rows(con, `DESCRIBE SELECT * FROM read_parquet(${lit(meta)})`))
    .map((r) => r.column_name);
  if (JSON.stringify(columns) !== JSON.stringify(META_COLUMNS)) {
    problems.push(`${name}_opdmd: columns ${JSON.stringify(columns)}, expected ${JSON.stringify(META_COLUMNS)}`);
    return;
  }
  const rgs = await rows(con, `
    SELECT file_ids::VARCHAR AS id, n_rows::BIGINT AS n
    FROM read_parquet(${lit(meta)}, file_row_number = true) ORDER BY file_row_number`);
  if (rgs.length === 0) {
    problems.push(`${name}_opdmd: no row group`);
    return;
  }
  // 2. The dataset directory holds exactly the files the metadata names.
  const expectedFiles = rgs.map((r) => fileName(r.id));
  const onDisk = fs.readdirSync(dataDir).filter((f) => f.endsWith('.parquet')).sort();
  const missing = expectedFiles.filter((f) => !onDisk.includes(f));
  const extra = onDisk.filter((f) => !expectedFiles.includes(f));
  if (missing.length > 0) problems.push(`files named by the metadata but missing: ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`files not named by the metadata: ${extra.join(', ')}`);
  if (missing.length > 0 || extra.length > 0) return;
  const glob = path.join(dataDir, '*.parquet');
  const counts = new Map((await rows(con, `
    SELECT parse_filename(filename) AS f, count(*)::BIGINT AS n
    FROM read_parquet(${lit(glob)}, filename = true) GROUP BY ALL`))
    .map((r) => [r.f, Number(r.n)]));
  rgs.forEach((r, k) => {
    const got = counts.get(expectedFiles[k]) ?? 0;
    if (got !== Number(r.n)) {
      problems.push(`${expectedFiles[k]}: DuckDB counts ${got} rows, the metadata says ${r.n}`);
    }
  });
  // 3. Rows in the metadata's order.
  const order = `[${expectedFiles.map(lit).join(', ')}]`;
  const out = path.join(tmp, `${name}.jsonl`);
  await con.run(`
    COPY (
      SELECT * EXCLUDE (filename, file_row_number)
      FROM read_parquet(${lit(glob)}, filename = true, file_row_number = true,
                        hive_partitioning = false)
      ORDER BY list_position(${order}, parse_filename(filename)), file_row_number
    ) TO ${lit(out)} (FORMAT json)`);
  const expected = readLines(path.join(dir, `${name}.expected.jsonl`));
  const actual = readLines(out);
  const diff = firstDifference(expected, actual);
  if (diff) {
    problems.push(`rows differ at row ${diff.row} (of ${expected.length} expected, ${actual.length} read):\n` +
                  `      oups expects: ${diff.expected.slice(0, 600)}\n` +
                  `      DuckDB reads: ${diff.actual.slice(0, 600)}`);
  }
}

const { con } = await openDuckDB();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oups-check-dataset-'));
const names = fs.readdirSync(dir).filter((f) => f.endsWith('.expected.jsonl'))
  .map((f) => f.slice(0, -'.expected.jsonl'.length)).sort();
let passed = 0;
let failed = 0;
for (const name of names) {
  const problems = [];
  try {
    await checkDataset(con, name, tmp, problems);
  } catch (e) {
    problems.push(`DuckDB error: ${String(e.message ?? e).split('\n')[0]}`);
  }
  if (problems.length === 0) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL dataset ${name}`);
    for (const p of problems.slice(0, 8)) console.log(`    ${p}`);
    if (problems.length > 8) console.log(`    ... ${problems.length - 8} more`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`duckdb_check_dataset: DuckDB read ${passed + failed} oups datasets from ${dir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
