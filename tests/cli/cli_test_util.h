// Helpers of the CLI tests: run a command on a file system and capture its
// exit code and streams; small datasets and files built directly.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "oups/common/json.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups::cli_test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline CliResult RunCli(const std::shared_ptr<FileSystem>& fs,
                        std::vector<std::string> args) {
  std::ostringstream out, err;
  cli::Env env;
  env.fs = fs;
  env.out = &out;
  env.err = &err;
  CliResult r;
  r.code = cli::Run(args, env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// The single JSON document printed (test fails on a parse error).
inline json::Value ParseJson(const std::string& text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << text;
  return v.ok() ? *v : json::Value();
}

inline const json::Value& Member(const json::Value& v, std::string_view key) {
  static const json::Value kNull;
  const json::Value* m = v.Find(key);
  EXPECT_NE(m, nullptr) << "no member '" << key << "' in " << json::Serialize(v);
  return m ? *m : kNull;
}
inline int64_t IntMember(const json::Value& v, std::string_view key) {
  auto n = Member(v, key).AsInt64();
  EXPECT_TRUE(n.ok()) << key;
  return n.ok() ? *n : -1;
}
inline std::string StrMember(const json::Value& v, std::string_view key) {
  const json::Value& m = Member(v, key);
  EXPECT_TRUE(m.is_string() || m.is_number()) << key;
  return m.string_value();
}

inline void WriteText(FileSystem& fs, const std::string& path, const std::string& text) {
  if (DirName(path).size() > 1) {
    ASSERT_TRUE(fs.CreateDirs(std::string(DirName(path))).ok());
  }
  ASSERT_TRUE(fs.WriteFile(path, text).ok());
}

inline std::string ReadText(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path);
  if (!b.ok()) return "<" + b.status().ToString() + ">";
  return std::string(reinterpret_cast<const char*>((*b)->data()),
                     static_cast<size_t>((*b)->size()));
}

// Table ts (int64) = ts, x (int64) = ts * 10, s (string) = "s<ts>".
inline Table TsTable(const std::vector<int64_t>& ts) {
  std::vector<int64_t> x;
  std::vector<std::string> s;
  for (int64_t t : ts) {
    x.push_back(t * 10);
    s.push_back("s" + std::to_string(t));
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()},
                    {"s", ColumnFromVector(DataType::String(), s).ValueOrDie()}})
      .ValueOrDie();
}

// A dataset at `path` with rows `ts`, row groups of `rg_rows` rows.
inline void MakeDataset(const std::shared_ptr<FileSystem>& fs, const std::string& path,
                        const std::vector<int64_t>& ts, int64_t rg_rows,
                        std::map<std::string, std::optional<std::string>> kv = {}) {
  auto ds = OrderedDataset::Open(fs, path);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  WriteOptions o;
  o.ordered_on = "ts";
  o.row_group_target_size = rg_rows;
  o.key_value_metadata = std::move(kv);
  Status st = ds->Write(TsTable(ts), o);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

inline std::vector<int64_t> Range(int64_t begin, int64_t end) {
  std::vector<int64_t> v;
  for (int64_t i = begin; i < end; ++i) v.push_back(i);
  return v;
}

// Lines of a text.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace oups::cli_test
