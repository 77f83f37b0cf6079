#include "oups/dataset/filter.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "dataset/filter_read.h"
#include "oups/parquet/statistics.h"
#include "oups/table/kernels.h"
#include "oups/table/predicate.h"

namespace oups {

namespace {

bool IsComparison(FilterOp op) { return op != FilterOp::kIn && op != FilterOp::kNotIn; }

CompareOp ToCompareOp(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return CompareOp::kEq;
    case FilterOp::kNe: return CompareOp::kNe;
    case FilterOp::kLt: return CompareOp::kLt;
    case FilterOp::kLe: return CompareOp::kLe;
    case FilterOp::kGt: return CompareOp::kGt;
    case FilterOp::kGe: return CompareOp::kGe;
    default: return CompareOp::kEq;
  }
}

std::string TermText(const FilterTerm& t) {
  return "'" + t.column + "' " + std::string(FilterOpName(t.op));
}

// Whether `stat op value` holds for one statistic value; false when it cannot
// be decided (an error, a NaN).
bool Holds(const Scalar& stat, CompareOp op, const Scalar& value) {
  if (!stat.is_valid() || !value.is_valid()) return false;
  Result<Column> c = ScalarColumn(stat);
  if (!c.ok()) return false;
  Result<std::vector<uint8_t>> m = CompareWithScalar(*c, op, value);
  return m.ok() && !m->empty() && (*m)[0] != 0;
}

bool IsNaN(const Scalar& s) { return s.is_valid() && s.type().is_floating() && std::isnan(s.f64()); }

// Whether the bounds allow a row equal to `v` (v valid, not NaN).
bool MayEqual(const ColumnBounds& b, const Scalar& v) {
  if (!b.min || !b.max) return true;
  return !(Holds(*b.max, CompareOp::kLt, v) || Holds(*b.min, CompareOp::kGt, v));
}

// Whether every non-null value of the group equals `v`.
bool AllEqual(const ColumnBounds& b, const Scalar& v) {
  return b.min && b.max && Holds(*b.min, CompareOp::kEq, v) && Holds(*b.max, CompareOp::kEq, v);
}

bool TermMayMatch(const FilterTerm& t, const ColumnBounds& b) {
  if (b.num_rows == 0) return false;
  const bool floating =
      (b.min && b.min->type().is_floating()) || (b.max && b.max->type().is_floating());
  const bool all_null = b.null_count && *b.null_count >= b.num_rows;
  const bool no_null = b.null_count && *b.null_count == 0;
  bool list_null = false;
  for (const Scalar& v : t.values) list_null = list_null || !v.is_valid();
  if (all_null) {
    if (t.op == FilterOp::kIn) return list_null;
    if (t.op == FilterOp::kNotIn) return !list_null;
    return false;  // a comparison never selects a null
  }
  if (IsComparison(t.op)) {
    const Scalar& v = t.values.front();
    if (!v.is_valid()) return false;
    if (t.op == FilterOp::kNe) return floating || IsNaN(v) || !AllEqual(b, v);
    if (IsNaN(v)) return false;  // NaN is unordered: nothing is ==, <, > NaN
    switch (t.op) {
      case FilterOp::kEq: return MayEqual(b, v);
      case FilterOp::kLt: return !(b.min && Holds(*b.min, CompareOp::kGe, v));
      case FilterOp::kLe: return !(b.min && Holds(*b.min, CompareOp::kGt, v));
      case FilterOp::kGt: return !(b.max && Holds(*b.max, CompareOp::kLe, v));
      case FilterOp::kGe: return !(b.max && Holds(*b.max, CompareOp::kLt, v));
      default: return true;
    }
  }
  if (t.op == FilterOp::kIn) {
    if (list_null && !no_null) return true;
    for (const Scalar& v : t.values) {
      if (!v.is_valid()) continue;
      if (IsNaN(v)) {
        if (floating || !b.min) return true;  // NaN rows are not in the statistics
        continue;
      }
      if (MayEqual(b, v)) return true;
    }
    return false;
  }
  // not in: prunes only a group whose rows are all one listed value.
  if (floating) return true;
  if (!no_null && !list_null) return true;  // null rows would match
  for (const Scalar& v : t.values) {
    if (v.is_valid() && !IsNaN(v) && AllEqual(b, v)) return false;
  }
  return true;
}

}  // namespace

std::string_view FilterOpName(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return "==";
    case FilterOp::kNe: return "!=";
    case FilterOp::kLt: return "<";
    case FilterOp::kLe: return "<=";
    case FilterOp::kGt: return ">";
    case FilterOp::kGe: return ">=";
    case FilterOp::kIn: return "in";
    case FilterOp::kNotIn: return "not in";
  }
  return "?";
}

Result<FilterOp> ParseFilterOp(std::string_view text) {
  if (text == "==" || text == "=") return FilterOp::kEq;
  if (text == "!=") return FilterOp::kNe;
  if (text == "<") return FilterOp::kLt;
  if (text == "<=") return FilterOp::kLe;
  if (text == ">") return FilterOp::kGt;
  if (text == ">=") return FilterOp::kGe;
  if (text == "in" || text == "IN") return FilterOp::kIn;
  if (text == "not in" || text == "NOT IN") return FilterOp::kNotIn;
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' is not a filter operator (==, =, !=, <, <=, >, >=, in, "
                                 "not in)");
}

Status ValidateFilter(const Filter& filter, const Schema& schema) {
  for (const FilterConjunction& conj : filter) {
    if (conj.empty()) {
      return Status::InvalidArgument("a filter holds an empty conjunction (a list of no terms)");
    }
    for (const FilterTerm& t : conj) {
      const int idx = schema.IndexOf(t.column);
      if (idx < 0) {
        return Status::NotFound("unknown column '" + t.column + "' in filter " + TermText(t));
      }
      if (IsComparison(t.op) && t.values.size() != 1) {
        return Status::InvalidArgument("filter " + TermText(t) + " takes one value, not " +
                                       std::to_string(t.values.size()));
      }
      const DataType& type = schema.field(idx).type;
      for (const Scalar& v : t.values) {
        if (!v.is_valid()) continue;
        Status st = CheckComparable(type, v);
        if (!st.ok()) {
          return Status::TypeError("filter " + TermText(t) + ": column '" + t.column + "': " +
                                   st.message());
        }
      }
    }
  }
  return Status::OK();
}

std::vector<std::string> FilterColumns(const Filter& filter) {
  std::vector<std::string> out;
  for (const FilterConjunction& conj : filter) {
    for (const FilterTerm& t : conj) {
      if (std::find(out.begin(), out.end(), t.column) == out.end()) out.push_back(t.column);
    }
  }
  return out;
}

Result<std::vector<uint8_t>> EvaluateFilter(const Filter& filter, const Table& table) {
  const size_t n = static_cast<size_t>(table.num_rows());
  if (filter.empty()) return std::vector<uint8_t>(n, 1);
  std::vector<uint8_t> any(n, 0);
  for (const FilterConjunction& conj : filter) {
    std::vector<uint8_t> all(n, 1);
    for (const FilterTerm& t : conj) {
      OUPS_ASSIGN_OR_RETURN(Column c, table.GetColumn(t.column));
      std::vector<uint8_t> m;
      if (IsComparison(t.op)) {
        if (t.values.size() != 1) {
          return Status::InvalidArgument("filter " + TermText(t) + " takes one value");
        }
        OUPS_ASSIGN_OR_RETURN(m, CompareWithScalar(c, ToCompareOp(t.op), t.values.front()));
      } else {
        OUPS_ASSIGN_OR_RETURN(m, IsIn(c, t.values));
        if (t.op == FilterOp::kNotIn) {
          for (uint8_t& x : m) x = static_cast<uint8_t>(x ^ 1);
        }
      }
      for (size_t i = 0; i < n; ++i) all[i] &= m[i];
    }
    for (size_t i = 0; i < n; ++i) any[i] |= all[i];
  }
  return any;
}

bool FilterMayMatch(const Filter& filter,
                    const std::function<std::optional<ColumnBounds>(const std::string&)>& bounds) {
  if (filter.empty()) return true;
  for (const FilterConjunction& conj : filter) {
    bool may = true;
    for (const FilterTerm& t : conj) {
      std::optional<ColumnBounds> b = bounds(t.column);
      if (b && !TermMayMatch(t, *b)) {
        may = false;
        break;
      }
    }
    if (may) return true;
  }
  return false;
}

}  // namespace oups

namespace oups::dataset {

namespace {

// A footer statistic as a Scalar of the stored type (nullopt when it cannot
// be decoded or converted: the statistic is then not used).
std::optional<Scalar> StoredStatistic(const parquet::ColumnDescriptor& desc,
                                      const std::string& plain, const DataType& stored,
                                      const std::string& file) {
  Result<Scalar> s = parquet::DecodeStatistic(desc, plain);
  if (!s.ok()) return std::nullopt;
  Result<Column> c = ScalarColumn(*s);
  if (!c.ok()) return std::nullopt;
  Result<Column> as_stored = AsStoredType(*c, stored, file);
  if (!as_stored.ok()) return std::nullopt;
  return GetScalar(*as_stored, 0);
}

// Bounds of `column` from a one-row-group footer.
std::optional<ColumnBounds> FooterBounds(const parquet::FileMetadata& footer, const Schema& schema,
                                         const std::string& column, const std::string& file) {
  if (footer.row_groups.size() != 1) return std::nullopt;
  const int c = footer.ColumnIndex(column);
  const int s = schema.IndexOf(column);
  if (c < 0 || s < 0) return std::nullopt;
  const parquet::RowGroupMetadata& rg = footer.row_groups.front();
  if (static_cast<size_t>(c) >= rg.columns.size()) return std::nullopt;
  const auto& stats = rg.columns[static_cast<size_t>(c)].statistics;
  if (!stats) return std::nullopt;
  ColumnBounds b;
  b.num_rows = rg.num_rows;
  b.null_count = stats->null_count;
  const DataType& type = schema.field(s).type;
  // Truncated (inexact) bounds are left out: `!=` and `not in` prune on
  // equal bounds, which truncation could fake.
  if (stats->has_min_max() && stats->is_min_value_exact && stats->is_max_value_exact &&
      type.id != TypeId::kDecimal) {
    b.min = StoredStatistic(footer.columns[static_cast<size_t>(c)], *stats->min_value, type, file);
    b.max = StoredStatistic(footer.columns[static_cast<size_t>(c)], *stats->max_value, type, file);
    if (!b.min || !b.max) b.min = b.max = std::nullopt;
  }
  return b;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Result<std::pair<int64_t, int64_t>> RowsInRange(const Table& t, const std::string& ordered_on,
                                                const std::optional<Scalar>& start,
                                                const std::optional<Scalar>& end_excl) {
  OUPS_ASSIGN_OR_RETURN(Column oc, t.GetColumn(ordered_on));
  int64_t lo = 0, hi = t.num_rows();
  if (start) {
    OUPS_ASSIGN_OR_RETURN(lo, LowerBound(oc, *start));
  }
  if (end_excl) {
    OUPS_ASSIGN_OR_RETURN(hi, LowerBound(oc, *end_excl));
  }
  return std::pair<int64_t, int64_t>{lo, hi};
}

Result<Table> ReadRowGroupFiltered(FileSystem& fs, const DatasetMetadata& md, int64_t i,
                                   const std::string& file, const FilteredRead& read) {
  const Schema& schema = *md.schema;
  const std::string& oo = *md.ordered_on;
  const size_t ui = static_cast<size_t>(i);
  // The metadata's min and max of the ordered column: no file opened.
  if (md.mins.length() > i && md.maxs.length() > i) {
    ColumnBounds ob;
    ob.min = GetScalar(md.mins, i);
    ob.max = GetScalar(md.maxs, i);
    ob.null_count = 0;  // the ordered column holds no null
    ob.num_rows = static_cast<int64_t>(md.n_rows[ui]);
    if (!FilterMayMatch(read.filter, [&](const std::string& c) -> std::optional<ColumnBounds> {
          if (c == oo) return ob;
          return std::nullopt;
        })) {
      return Table();
    }
  }
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileReader> reader,
                        parquet::FileReader::Open(fs, file));
  OUPS_RETURN_NOT_OK(CheckRowGroupFooter(reader->metadata(), md, i, file));
  if (!FilterMayMatch(read.filter, [&](const std::string& c) {
        return FooterBounds(reader->metadata(), schema, c, file);
      })) {
    return Table();
  }
  // First pass: the filtered columns (and the ordered one for a range).
  const bool ranged = read.start.has_value() || read.end_excl.has_value();
  std::vector<std::string> first = FilterColumns(read.filter);
  if (ranged && !Contains(first, oo)) first.push_back(oo);
  parquet::ReadOptions ro;
  ro.columns = first;
  ro.num_threads = read.num_threads;
  OUPS_ASSIGN_OR_RETURN(Table t, ReadCheckedColumns(*reader, md, i, file, ro));
  OUPS_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, EvaluateFilter(read.filter, t));
  if (ranged) {
    OUPS_ASSIGN_OR_RETURN(auto range, RowsInRange(t, oo, read.start, read.end_excl));
    const auto [lo, hi] = range;
    for (int64_t r = 0; r < t.num_rows(); ++r) {
      if (r < lo || r >= hi) mask[static_cast<size_t>(r)] = 0;
    }
  }
  std::vector<int64_t> rows;
  for (size_t r = 0; r < mask.size(); ++r) {
    if (mask[r]) rows.push_back(static_cast<int64_t>(r));
  }
  if (rows.empty()) return Table();
  // Second pass: the projected columns not decoded yet.
  std::vector<std::string> rest;
  for (const std::string& c : read.columns) {
    if (!Contains(first, c)) rest.push_back(c);
  }
  std::vector<Field> fields;
  std::vector<Column> columns;
  Table more;
  if (!rest.empty()) {
    ro.columns = rest;
    OUPS_ASSIGN_OR_RETURN(more, ReadCheckedColumns(*reader, md, i, file, ro));
  }
  for (const std::string& c : read.columns) {
    const Table& from = Contains(first, c) ? t : more;
    OUPS_ASSIGN_OR_RETURN(Column col, from.GetColumn(c));
    fields.push_back(schema.field(schema.IndexOf(c)));
    columns.push_back(std::move(col));
  }
  OUPS_ASSIGN_OR_RETURN(Table projected,
                        Table::Make(Schema(std::move(fields)), std::move(columns)));
  if (static_cast<int64_t>(rows.size()) == projected.num_rows()) return projected;
  return Take(projected, rows.data(), static_cast<int64_t>(rows.size()));
}

}  // namespace oups::dataset
