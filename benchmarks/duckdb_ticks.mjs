// DuckDB baseline of the macro benchmark: writes and reads the standard tick
// table with one thread and prints the timings as one JSON object.
//
//   node benchmarks/duckdb_ticks.mjs FILE [ROWS] [--repeat R]
//
// ROWS defaults to 10,000,000. The data is the one defined in benchmarks/README.md
// (integer formulae, reproduced bit for bit by the C++ side). Timed:
//   write: COPY ticks TO FILE (FORMAT parquet, COMPRESSION snappy)
//   read:  CREATE TABLE t AS SELECT * FROM read_parquet(FILE)
// With --repeat R each is run R times and the fastest run is reported.
// Output: {"engine":"duckdb","version":...,"rows":N,"bytes":file size,
//          "write_s":...,"read_s":...,"generate_s":...,"threads":1}
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openDuckDB, lit, rows } from '../interop/lib.mjs';

const args = process.argv.slice(2);
let repeat = 1;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--repeat') {
    repeat = Number(args[++i]);
  } else if (args[i] === '--help' || args[i] === '-h') {
    console.log('usage: node benchmarks/duckdb_ticks.mjs FILE [ROWS] [--repeat R]');
    process.exit(0);
  } else {
    positional.push(args[i]);
  }
}
const [file, rowsArg] = positional;
const n = rowsArg === undefined ? 10_000_000 : Number(rowsArg);
if (!file || !Number.isInteger(n) || n < 0 || !Number.isInteger(repeat) || repeat < 1) {
  console.error('usage: node benchmarks/duckdb_ticks.mjs FILE [ROWS] [--repeat R]');
  process.exit(2);
}

// The standard tick table; keep in sync with benchmarks/README.md.
const TICKS_SQL = `
SELECT
  make_timestamp_ns(1704067200000000000 + i * 100000 + (i * 7919) % 50000) AS ts,
  'SYM' || lpad((((i * 2654435761) % 4294967296) % 100)::VARCHAR, 2, '0') AS symbol,
  100.0::DOUBLE + ((i * 7919) % 10007)::DOUBLE / 100.0::DOUBLE AS price,
  (1 + (i * 104729) % 1000)::BIGINT AS qty
FROM range(${n}) t(i)`;

const { con } = await openDuckDB();
const version = (await rows(con, 'SELECT version() AS v'))[0].v;

let t0 = performance.now();
await con.run(`CREATE TABLE ticks AS ${TICKS_SQL}`);
const generate_s = (performance.now() - t0) / 1000;

let write_s = Infinity;
let read_s = Infinity;
// CPU time of the process (all threads), for runs on a loaded machine.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let write_cpu_s = Infinity;
let read_cpu_s = Infinity;
for (let r = 0; r < repeat; r++) {
  fs.rmSync(file, { force: true });
  t0 = performance.now();
  let c0 = cpu();
  await con.run(`COPY ticks TO ${lit(file)} (FORMAT parquet, COMPRESSION snappy)`);
  write_s = Math.min(write_s, (performance.now() - t0) / 1000);
  write_cpu_s = Math.min(write_cpu_s, cpu() - c0);

  await con.run('DROP TABLE IF EXISTS t');
  t0 = performance.now();
  c0 = cpu();
  await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${lit(file)})`);
  read_s = Math.min(read_s, (performance.now() - t0) / 1000);
  read_cpu_s = Math.min(read_cpu_s, cpu() - c0);
}
const readRows = Number((await rows(con, 'SELECT count(*) AS c FROM t'))[0].c);
if (readRows !== n) {
  console.error(`duckdb_ticks: read ${readRows} rows, wrote ${n}`);
  process.exit(1);
}
console.log(JSON.stringify({
  engine: 'duckdb',
  version,
  rows: n,
  bytes: fs.statSync(file).size,
  write_s,
  read_s,
  write_cpu_s,
  read_cpu_s,
  generate_s,
  threads: 1,
}));
