// Helpers shared by the io tests: a temporary directory removed afterwards.
#pragma once

#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace oups::testing_io {

// mkdtemp under /tmp; removed recursively on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/oups_io_test_XXXXXX";
    char* p = ::mkdtemp(tmpl);
    EXPECT_NE(p, nullptr);
    path_ = p ? p : "";
  }
  ~TempDir() {
    if (!path_.empty()) {
      ::nftw(path_.c_str(),
             [](const char* fpath, const struct stat*, int, struct FTW*) {
               return ::remove(fpath);
             },
             16, FTW_DEPTH | FTW_PHYS);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace oups::testing_io
