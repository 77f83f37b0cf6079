// Schema evolution (dataset/schema_evolution.h): the widening rules, the
// conversions of stored rows to a widened type, and the evolved schema of a
// write.
#include "dataset/schema_evolution.h"

#include <cstdlib>
#include <limits>
#include <type_traits>
#include <utility>

#include "oups/parquet/file_reader.h"
#include "oups/table/builder.h"

namespace oups::dataset {

namespace {

bool SameZoneKind(const DataType& a, const DataType& b) {
  return a.timezone == b.timezone || (!a.timezone.empty() && !b.timezone.empty());
}

int UnitRank(TimeUnit u) { return static_cast<int>(u); }  // s < ms < us < ns

int64_t UnitFactor(TimeUnit from, TimeUnit to) {
  int64_t f = 1;
  for (int r = UnitRank(from); r < UnitRank(to); ++r) f *= 1000;
  return f;
}

Status NotExact(const std::string& name, const std::string& where, const DataType& from,
                const DataType& to, int64_t row, const std::string& value,
                const std::string& why) {
  return Status::TypeError("column '" + name + "' cannot be widened from " + from.ToString() +
                           " to " + to.ToString() + ": " + where + ", row " +
                           std::to_string(row) + " holds " + value + ", which " + why);
}

}  // namespace

bool IsWidening(const DataType& from, const DataType& to) {
  if (from == to) return false;
  if (from.is_integer() && to.is_integer()) {
    return from.is_signed_integer() == to.is_signed_integer() &&
           from.byte_width() < to.byte_width();
  }
  if (from.is_integer() && to.id == TypeId::kFloat64) return true;
  if (from.id == TypeId::kFloat32 && to.id == TypeId::kFloat64) return true;
  if (from.id == TypeId::kTimestamp && to.id == TypeId::kTimestamp) {
    return SameZoneKind(from, to) && UnitRank(from.unit) < UnitRank(to.unit);
  }
  return false;
}

bool WideningMayFail(const DataType& from, const DataType& to) {
  if (!IsWidening(from, to)) return false;
  if (to.id == TypeId::kFloat64 && from.is_integer()) return from.byte_width() == 8;
  return from.id == TypeId::kTimestamp;
}

Result<Column> NullColumn(const DataType& type, int64_t length) {
  ColumnBuilder b(type);
  OUPS_RETURN_NOT_OK(b.Reserve(length));
  OUPS_RETURN_NOT_OK(b.AppendNulls(length));
  return b.Finish();
}

Result<Column> WidenColumn(const Column& c, const DataType& to, const std::string& name,
                           const std::string& where) {
  const DataType& from = c.type();
  if (!IsWidening(from, to)) {
    return Status::TypeError("column '" + name + "' (" + where + ") is of type " +
                             from.ToString() + ", which does not widen to " + to.ToString());
  }
  const int64_t n = c.length();
  ColumnBuilder b(to);
  OUPS_RETURN_NOT_OK(b.Reserve(n));
  if (from.id == TypeId::kTimestamp) {
    const int64_t factor = UnitFactor(from.unit, to.unit);
    const int64_t limit = std::numeric_limits<int64_t>::max() / factor;
    const int64_t* v = c.data<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) {
        OUPS_RETURN_NOT_OK(b.AppendNull());
      } else if (v[i] > limit || v[i] < -limit) {
        return NotExact(name, where, from, to, i, std::to_string(v[i]),
                        "is out of the range of " + to.ToString() + " (about 1677 to 2262 in ns)");
      } else {
        OUPS_RETURN_NOT_OK(b.Append(v[i] * factor));
      }
    }
    return b.Finish();
  }
  if (from.id == TypeId::kFloat32) {
    const float* v = c.data<float>();
    for (int64_t i = 0; i < n; ++i) {
      OUPS_RETURN_NOT_OK(c.IsNull(i) ? b.AppendNull() : b.Append(static_cast<double>(v[i])));
    }
    return b.Finish();
  }
  OUPS_RETURN_NOT_OK(AppendIntegersExactly(c, to, b, [&](int64_t row, const std::string& value) {
    return NotExact(name, where, from, to, row, value,
                    "float64 does not hold exactly (integers up to 2^53 in magnitude do)");
  }));
  return b.Finish();
}

Status AppendIntegersExactly(
    const Column& c, const DataType& to, ColumnBuilder& b,
    const std::function<Status(int64_t row, const std::string& value)>& inexact) {
  const bool to_float = to.is_floating();
  const uint64_t bound = to.id == TypeId::kFloat64 ? (uint64_t{1} << 53) : (uint64_t{1} << 24);
  return VisitInteger(c.type().id, [&](auto tag) -> Status {
    using T = decltype(tag);
    using Wide = std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>;
    const T* v = c.data<T>();
    for (int64_t i = 0; i < c.length(); ++i) {
      if (c.IsNull(i)) {
        OUPS_RETURN_NOT_OK(b.AppendNull());
        continue;
      }
      const Wide x = static_cast<Wide>(v[i]);
      if (!to_float) {
        OUPS_RETURN_NOT_OK(b.Append(x));
        continue;
      }
      // Exact in the float type: magnitude up to `bound` (signed values by
      // their absolute value).
      uint64_t mag = static_cast<uint64_t>(x);
      if constexpr (std::is_signed_v<T>) {
        mag = x < 0 ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
      }
      if (mag > bound) return inexact(i, std::to_string(x));
      OUPS_RETURN_NOT_OK(b.Append(static_cast<double>(x)));
    }
    return Status::OK();
  });
}

Result<EvolvedSchema> EvolveSchema(const Schema& stored, const Schema& given,
                                   const std::string& ordered_on) {
  EvolvedSchema out;
  std::vector<Field> fields;
  for (const Field& f : stored.fields()) {
    Field e = f;
    const int gi = given.IndexOf(f.name);
    if (gi < 0) {
      out.left_out.push_back(f.name);
      e.nullable = true;
    } else {
      const DataType& g = given.field(gi).type;
      if (IsWidening(f.type, g)) {
        if (f.name == ordered_on) {
          return Status::TypeError("the ordered column '" + ordered_on + "' is stored as " +
                                   f.type.ToString() + " and given as " + g.ToString() +
                                   ": schema evolution does not change the ordered column's "
                                   "type (its statistics in the metadata are of that type)");
        }
        e.type = g;
        // An aware timestamp keeps the stored zone's name (same instants).
        if (g.id == TypeId::kTimestamp) e.type.timezone = f.type.timezone;
        out.widened.push_back(f.name);
      }
    }
    fields.push_back(std::move(e));
  }
  for (const Field& g : given.fields()) {
    if (stored.IndexOf(g.name) >= 0) continue;
    fields.push_back(Field{g.name, g.type, true});
    out.added.push_back(g.name);
  }
  out.schema = Schema(std::move(fields));
  return out;
}

Result<Table> AddMissingColumns(const Table& rows, const Schema& schema) {
  std::vector<Field> fields = rows.schema().fields();
  std::vector<Column> columns = rows.columns();
  for (const Field& f : schema.fields()) {
    if (rows.schema().IndexOf(f.name) >= 0) continue;
    OUPS_ASSIGN_OR_RETURN(Column c, NullColumn(f.type, rows.num_rows()));
    fields.push_back(Field{f.name, f.type, true});
    columns.push_back(std::move(c));
  }
  return Table::Make(Schema(std::move(fields)), std::move(columns));
}

Status CheckStoredRowsWiden(FileSystem& fs, const DatasetMetadata& md, const DatasetPaths& paths,
                            const EvolvedSchema& evolved) {
  if (!md.schema) return Status::OK();
  std::vector<std::string> names;
  for (const std::string& name : evolved.widened) {
    const int si = md.schema->IndexOf(name);
    const DataType& to = evolved.schema.field(evolved.schema.IndexOf(name)).type;
    if (si >= 0 && WideningMayFail(md.schema->field(si).type, to)) names.push_back(name);
  }
  if (names.empty()) return Status::OK();
  for (int64_t i = 0; i < md.num_row_groups(); ++i) {
    const std::string file = paths.RowGroupFile(md.file_ids[static_cast<size_t>(i)]);
    parquet::ReadOptions ro;
    ro.columns = names;
    OUPS_ASSIGN_OR_RETURN(Table t, ReadCheckedRowGroup(fs, md, i, file, ro));
    for (const std::string& name : names) {
      OUPS_ASSIGN_OR_RETURN(Column c, t.GetColumn(name));
      const DataType& to = evolved.schema.field(evolved.schema.IndexOf(name)).type;
      // A column that an earlier evolution added is null in older files.
      if (c.type() == to) continue;
      OUPS_RETURN_NOT_OK(WidenColumn(c, to, name, "stored row-group file " + file).status());
    }
  }
  return Status::OK();
}

}  // namespace oups::dataset
