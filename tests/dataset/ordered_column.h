// Test helper shared by the dataset test files: a column of an ordered type
// holding int64 values mapped so that their order is kept (floats as doubles,
// strings as zero-padded decimals, other types as the integers themselves).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oups/table/builder.h"
#include "oups/table/column.h"

namespace oups::testing {

inline Column OrderedColumn(const std::vector<int64_t>& values, const DataType& type) {
  Result<Column> c = Status::OK();
  if (type.is_floating()) {
    c = ColumnFromVector(type, std::vector<double>(values.begin(), values.end()));
  } else if (type.is_var_length()) {
    std::vector<std::string> s;
    for (int64_t v : values) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(v));
      s.emplace_back(buf);
    }
    c = ColumnFromVector(type, s);
  } else {
    c = ColumnFromVector(type, values);
  }
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

}  // namespace oups::testing
