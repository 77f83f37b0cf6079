// Verification of one ordered dataset against its files (`oups verify`): the
// checks a user runs after a crash, a copy or a disk error, reported problem
// by problem, each with the file it concerns.
//
//   for (const oups::FileProblem& p : oups::VerifyDataset(fs, "data/berlin/1D")) {
//     std::cerr << p.file << ": " << p.problem << "\n";
//   }
//
// Thread-safety: a free function over a FileSystem, safe to call concurrently
// (it reads only, takes no lock and registers no reader: a write that commits
// meanwhile may make it report files it deleted as missing). Ownership: the
// result is a plain value owned by the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "oups/io/file_system.h"

namespace oups {

// A problem found in a file: its path and what is wrong, in words.
struct FileProblem {
  std::string file;
  std::string problem;
};

struct VerifyOptions {
  // Also decode every column of every row group (reads and decompresses
  // everything); by default only the ordered column is decoded.
  bool deep = false;
  // Called after each row group with the rows checked so far in this dataset
  // and the fraction of its row groups done.
  std::function<void(int64_t rows_checked, double fraction)> progress{};
};

// The problems of the dataset whose directory is `path` (empty: sound):
//  - the metadata file is readable and its row groups are ordered and do not
//    overlap;
//  - every row-group file is present and readable (its footer and its ordered
//    column decoded; every column when `deep`), holds one row group with the
//    stored columns and types, as many rows as the metadata says, sorted on the
//    ordered column, with the first and last ordered values the metadata
//    records as min and max, and the CRC-32 the metadata records for it;
//  - no leftovers: files in the dataset directory that the metadata does not
//    reference, temporary metadata files of interrupted writes, a superseded
//    leftovers record. Each says whether the next write removes it.
std::vector<FileProblem> VerifyDataset(FileSystem& fs, const std::string& path,
                                       const VerifyOptions& options = {});

}  // namespace oups
