#include "testing/random_table.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "oups/table/builder.h"

namespace oups::testing {

namespace {

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "oups::testing::%s: %s\n", what, r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).MoveValueUnsafe();
}

void Check(const Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "oups::testing::%s: %s\n", what, st.ToString().c_str());
    std::abort();
  }
}

void AppendUtf8(std::string& s, uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A UTF-8 string of at most 40 bytes, mostly ASCII with some 2-, 3- and
// 4-byte sequences.
std::string RandomUtf8(std::mt19937_64& rng) {
  const size_t max_bytes = rng() % 41;
  std::string s;
  while (true) {
    uint32_t cp;
    const uint64_t kind = rng() % 10;
    if (kind < 6) {
      cp = 0x20 + static_cast<uint32_t>(rng() % 95);
    } else if (kind < 8) {
      cp = 0x80 + static_cast<uint32_t>(rng() % (0x800 - 0x80));
    } else if (kind < 9) {
      do {
        cp = 0x800 + static_cast<uint32_t>(rng() % (0x10000 - 0x800));
      } while (cp >= 0xD800 && cp <= 0xDFFF);
    } else {
      cp = 0x10000 + static_cast<uint32_t>(rng() % (0x110000 - 0x10000));
    }
    std::string next = s;
    AppendUtf8(next, cp);
    if (next.size() > max_bytes) break;
    s = std::move(next);
  }
  return s;
}

std::string RandomBinary(std::mt19937_64& rng) {
  std::string s(rng() % 41, '\0');
  for (char& c : s) c = (rng() % 4 == 0) ? '\0' : static_cast<char>(rng() & 0xFF);
  return s;
}

double RandomDouble(std::mt19937_64& rng) {
  switch (rng() % 20) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return -std::numeric_limits<double>::infinity();
    case 3: return -0.0;
    case 4: return 0.0;
    default: {
      std::normal_distribution<double> d(0.0, 1000.0);
      return d(rng);
    }
  }
}

template <typename T>
int64_t RandomInt(std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> d(std::numeric_limits<T>::min(),
                                           std::numeric_limits<T>::max());
  return d(rng);
}

template <typename T>
uint64_t RandomUInt(std::mt19937_64& rng) {
  std::uniform_int_distribution<uint64_t> d(0, std::numeric_limits<T>::max());
  return d(rng);
}

Status AppendRandom(ColumnBuilder& b, std::mt19937_64& rng) {
  const DataType& t = b.type();
  switch (t.id) {
    case TypeId::kBool: return b.Append(rng() % 2 == 0);
    case TypeId::kInt8: return b.Append(RandomInt<int8_t>(rng));
    case TypeId::kInt16: return b.Append(RandomInt<int16_t>(rng));
    case TypeId::kInt32: return b.Append(RandomInt<int32_t>(rng));
    case TypeId::kInt64: return b.Append(RandomInt<int64_t>(rng));
    case TypeId::kUInt8: return b.Append(RandomUInt<uint8_t>(rng));
    case TypeId::kUInt16: return b.Append(RandomUInt<uint16_t>(rng));
    case TypeId::kUInt32: return b.Append(RandomUInt<uint32_t>(rng));
    case TypeId::kUInt64: return b.Append(RandomUInt<uint64_t>(rng));
    case TypeId::kFloat32: {
      const double d = RandomDouble(rng);
      return b.Append(std::isfinite(d) ? static_cast<double>(static_cast<float>(d)) : d);
    }
    case TypeId::kFloat64: return b.Append(RandomDouble(rng));
    case TypeId::kString: return b.Append(RandomUtf8(rng));
    case TypeId::kBinary: return b.Append(std::string_view(RandomBinary(rng)));
    case TypeId::kTimestamp: {
      // 1970..2100 in nanoseconds, scaled to the unit.
      std::uniform_int_distribution<int64_t> d(0, int64_t{4102444800} * 1000000000);
      int64_t v = d(rng);
      switch (t.unit) {
        case TimeUnit::kSecond: v /= 1000000000; break;
        case TimeUnit::kMilli: v /= 1000000; break;
        case TimeUnit::kMicro: v /= 1000; break;
        case TimeUnit::kNano: break;
      }
      return b.Append(v);
    }
    case TypeId::kDate32: {
      std::uniform_int_distribution<int64_t> d(-100000, 100000);
      return b.Append(d(rng));
    }
    case TypeId::kDuration: return b.Append(RandomInt<int64_t>(rng));
    case TypeId::kDecimal: {
      if (t.precision >= 19) {
        // Any 64-bit value fits; sign-extend.
        const int64_t v = RandomInt<int64_t>(rng);
        return b.AppendDecimal(static_cast<uint64_t>(v), v < 0 ? -1 : 0);
      }
      int64_t limit = 1;
      for (int k = 0; k < t.precision; ++k) limit *= 10;
      std::uniform_int_distribution<int64_t> d(-limit + 1, limit - 1);
      return b.Append(d(rng));
    }
  }
  return Status::Internal("unknown type");
}

}  // namespace

Schema AllTypesSchema() {
  return Schema({{"bool", DataType::Bool()},
                 {"int8", DataType::Int8()},
                 {"int16", DataType::Int16()},
                 {"int32", DataType::Int32()},
                 {"int64", DataType::Int64()},
                 {"uint8", DataType::UInt8()},
                 {"uint16", DataType::UInt16()},
                 {"uint32", DataType::UInt32()},
                 {"uint64", DataType::UInt64()},
                 {"float32", DataType::Float32()},
                 {"float64", DataType::Float64()},
                 {"string", DataType::String()},
                 {"binary", DataType::Binary()},
                 {"ts_ns", DataType::Timestamp(TimeUnit::kNano)},
                 {"ts_ms_tz", DataType::Timestamp(TimeUnit::kMilli, "Europe/Paris")},
                 {"date32", DataType::Date32()},
                 {"duration", DataType::Duration(TimeUnit::kMicro)},
                 {"decimal", DataType::Decimal(18, 3)}});
}

Column RandomColumn(const DataType& type, int64_t rows, uint64_t seed, double null_prob) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution is_null(null_prob);
  ColumnBuilder b(type);
  Check(b.Reserve(rows), "RandomColumn");
  for (int64_t i = 0; i < rows; ++i) {
    if (null_prob > 0 && is_null(rng)) {
      Check(b.AppendNull(), "RandomColumn");
    } else {
      Check(AppendRandom(b, rng), "RandomColumn");
    }
  }
  return OrDie(b.Finish(), "RandomColumn");
}

Table RandomTable(const Schema& schema, int64_t rows, uint64_t seed, double null_prob) {
  std::vector<Column> cols;
  for (int c = 0; c < schema.num_fields(); ++c) {
    const Field& f = schema.field(c);
    const uint64_t col_seed = seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(c) + 1;
    cols.push_back(RandomColumn(f.type, rows, col_seed, f.nullable ? null_prob : 0.0));
  }
  return OrDie(Table::Make(schema, std::move(cols)), "RandomTable");
}

Table RandomSortedTable(const Schema& schema, const std::string& ordered_on, int64_t rows,
                        uint64_t seed, double null_prob, double tie_prob, int64_t start,
                        int64_t max_step) {
  const int key = schema.IndexOf(ordered_on);
  if (key < 0) {
    std::fprintf(stderr, "RandomSortedTable: no column '%s'\n", ordered_on.c_str());
    std::abort();
  }
  Table t = RandomTable(schema, rows, seed, null_prob);
  std::mt19937_64 rng(seed ^ 0xA5A5A5A5DEADBEEFULL);
  std::bernoulli_distribution tie(tie_prob);
  std::uniform_int_distribution<int64_t> step(1, std::max<int64_t>(1, max_step));
  ColumnBuilder b(schema.field(key).type);
  Check(b.Reserve(rows), "RandomSortedTable");
  int64_t v = start;
  for (int64_t i = 0; i < rows; ++i) {
    if (i > 0 && !tie(rng)) v += step(rng);
    Check(b.Append(v), "RandomSortedTable");
  }
  std::vector<Column> cols = t.columns();
  cols[static_cast<size_t>(key)] = OrDie(b.Finish(), "RandomSortedTable");
  return OrDie(Table::Make(schema, std::move(cols)), "RandomSortedTable");
}

}  // namespace oups::testing
