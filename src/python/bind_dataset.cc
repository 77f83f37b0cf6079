// Bindings of OrderedDataset and DatasetSnapshot (docs/behaviour.md#datasets).
//
// Dataset(path, ordered_on=None, lock_timeout=None) wraps OrderedDataset on the
// local file system; snapshot() pins one committed state (the Python views and
// row-group iteration are bound to one Snapshot). The GIL is released around
// every call that reads or writes files.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "bindings.h"
#include "errors.h"
#include "oups/dataset/filter.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "table_convert.h"

namespace py = pybind11;

namespace oups::python {
namespace {

using SnapshotPtr = std::shared_ptr<DatasetSnapshot>;

std::optional<Scalar> OptScalar(const py::object& o) {
  if (o.is_none()) return std::nullopt;
  return ScalarFromPy(o);
}

// A core Filter from the Python layer's form (python/oups/_filters.py
// to_core): a list of conjunctions, each a list of (column, op, values),
// values a list of scalar specs (ScalarFromPy) or None for a null.
Filter FilterFromPy(const py::object& o) {
  Filter f;
  if (o.is_none()) return f;
  for (const py::handle conj : o) {
    FilterConjunction c;
    for (const py::handle term : conj) {
      py::tuple t = py::reinterpret_borrow<py::tuple>(term);
      FilterTerm ft;
      ft.column = t[0].cast<std::string>();
      ft.op = ValueOrThrow(ParseFilterOp(t[1].cast<std::string>()));
      for (const py::handle v : t[2]) {
        ft.values.push_back(v.is_none() ? Scalar::Null(DataType::Int64()) : ScalarFromPy(v));
      }
      c.push_back(std::move(ft));
    }
    f.push_back(std::move(c));
  }
  return f;
}

ReadOptions MakeReadOptions(const std::optional<Columns>& columns, const py::object& start,
                            const py::object& end_excl, int num_threads,
                            const py::object& filters = py::none()) {
  ReadOptions r;
  r.columns = columns;
  r.start = OptScalar(start);
  r.end_excl = OptScalar(end_excl);
  r.num_threads = num_threads < 1 ? 1 : num_threads;
  r.filter = FilterFromPy(filters);
  return r;
}

py::object SchemaToPy(const std::optional<Schema>& schema) {
  if (!schema) return py::none();
  py::list out;
  for (const Field& f : schema->fields()) out.append(py::make_tuple(f.name, TypeToPy(f.type)));
  return out;
}

// Rows of the rgs at `positions` of a snapshot (a view,
// docs/behaviour.md#views), in that order, restricted to start <= ordered value
// < end_excl, with `columns` (all if nullopt). No rg read: a zero-row table of
// the stored schema (or no column).
Result<Table> ReadRows(const DatasetSnapshot& s, const std::vector<int64_t>& positions,
                       const std::optional<Columns>& columns,
                       const std::optional<Scalar>& start,
                       const std::optional<Scalar>& end_excl) {
  // Rgs whose [min, max] cannot intersect [start, end_excl) are not read
  // (docs/behaviour.md#reading).
  Table stats;
  if (start || end_excl) {
    OUPS_ASSIGN_OR_RETURN(stats, s.RowGroupStats());
  }
  // Only the requested columns are read (plus the ordered column to bound rows).
  Columns read_columns;
  if (columns) {
    read_columns = *columns;
    if ((start || end_excl) && s.ordered_on() &&
        std::find(read_columns.begin(), read_columns.end(), *s.ordered_on()) ==
            read_columns.end()) {
      read_columns.push_back(*s.ordered_on());
    }
  }
  std::vector<Table> parts;
  parts.reserve(positions.size());
  for (int64_t i : positions) {
    if (stats.num_columns() == 4 && i >= 0 && i < stats.num_rows()) {
      const Column mins = stats.column(2).Slice(i, 1), maxs = stats.column(3).Slice(i, 1);
      if (end_excl) {
        OUPS_ASSIGN_OR_RETURN(int64_t below, LowerBound(mins, *end_excl));
        if (below == 0) continue;  // min >= end_excl
      }
      if (start) {
        OUPS_ASSIGN_OR_RETURN(int64_t below, LowerBound(maxs, *start));
        if (below == 1) continue;  // max < start
      }
    }
    OUPS_ASSIGN_OR_RETURN(Table t, s.ReadRowGroup(i, read_columns));
    // Each rg is sorted (a view's rgs need not be in row order: bound them one by one).
    if ((start || end_excl) && s.ordered_on() && t.num_rows() > 0) {
      OUPS_ASSIGN_OR_RETURN(Column oc, t.GetColumn(*s.ordered_on()));
      int64_t lo = 0, hi = t.num_rows();
      if (start) {
        OUPS_ASSIGN_OR_RETURN(lo, LowerBound(oc, *start));
      }
      if (end_excl) {
        OUPS_ASSIGN_OR_RETURN(hi, LowerBound(oc, *end_excl));
      }
      t = t.Slice(lo, hi > lo ? hi - lo : 0);
    }
    parts.push_back(std::move(t));
  }
  Table all;
  if (parts.empty()) {
    if (!s.schema()) return Table();
    std::vector<Column> cols;
    for (const Field& f : s.schema()->fields()) {
      ColumnBuilder b(f.type);
      OUPS_ASSIGN_OR_RETURN(Column c, b.Finish());
      cols.push_back(std::move(c));
    }
    OUPS_ASSIGN_OR_RETURN(all, Table::Make(*s.schema(), std::move(cols)));
  } else {
    OUPS_ASSIGN_OR_RETURN(all, ConcatenateTables(parts));
  }
  if (columns) return all.SelectColumns(*columns);
  return all;
}

}  // namespace

void RegisterDataset(py::module_& m) {
  py::class_<DatasetSnapshot, SnapshotPtr>(m, "Snapshot",
                                           "One committed state of a dataset, pinned while alive.")
      .def_property_readonly("num_row_groups", &DatasetSnapshot::num_row_groups)
      .def_property_readonly("key_value_metadata", &DatasetSnapshot::key_value_metadata)
      .def_property_readonly("ordered_on", &DatasetSnapshot::ordered_on)
      .def_property_readonly("schema",
                             [](const DatasetSnapshot& s) { return SchemaToPy(s.schema()); },
                             "[(name, (kind, unit, tz))] or None")
      .def_property_readonly("schema_extra_json", &DatasetSnapshot::schema_extra_json)
      .def_property_readonly("is_newly_initialized", &DatasetSnapshot::is_newly_initialized)
      .def_property_readonly(
          "write_settings",
          [](const DatasetSnapshot& s) {
            const StoredWriteSettings ws = s.write_settings();
            py::dict out;
            if (ws.row_group_target_size) {
              if (const auto* rows = std::get_if<int64_t>(&*ws.row_group_target_size)) {
                out["row_group_target_size"] = *rows;
              } else {
                out["row_group_target_size"] = std::get<Period>(*ws.row_group_target_size).text;
              }
            }
            if (ws.max_n_off_target_rgs) {
              out["max_n_off_target_rgs"] = *ws.max_n_off_target_rgs
                                                ? py::object(py::int_(**ws.max_n_off_target_rgs))
                                                : py::object(py::none());
            }
            if (ws.keep_versions) out["keep_versions"] = *ws.keep_versions;
            if (ws.keep_for) out["keep_for"] = *ws.keep_for;
            return out;
          },
          "{'row_group_target_size': rows or period text, 'max_n_off_target_rgs': int or "
          "None, 'keep_versions': int, 'keep_for': text}, members only when remembered")
      .def_property_readonly("path", &DatasetSnapshot::path)
      .def(
          "read",
          [](const DatasetSnapshot& s, std::optional<Columns> columns, py::object start,
             py::object end_excl, int num_threads, py::object filters) {
            ReadOptions o = MakeReadOptions(columns, start, end_excl, num_threads, filters);
            Result<Table> t = [&] {
              py::gil_scoped_release nogil;
              return s.Read(o);
            }();
            return ValueOrThrow(std::move(t));
          },
          py::arg("columns") = py::none(), py::arg("start") = py::none(),
          py::arg("end_excl") = py::none(), py::arg("num_threads") = 1,
          py::arg("filters") = py::none())
      .def(
          "read_row_group",
          [](const DatasetSnapshot& s, int64_t index, Columns columns) {
            Result<Table> t = [&] {
              py::gil_scoped_release nogil;
              return s.ReadRowGroup(index, columns);
            }();
            return ValueOrThrow(std::move(t));
          },
          py::arg("index"), py::arg("columns") = Columns{})
      .def(
          "read_rows",
          [](const DatasetSnapshot& s, std::vector<int64_t> positions,
             std::optional<Columns> columns, py::object start, py::object end_excl,
             py::object filters, int num_threads) {
            if (!filters.is_none() || num_threads > 1) {
              // A filtered view: the core read of these rgs (statistics pruning);
              // with threads, the same read decodes rgs or columns in parallel.
              ReadOptions o = MakeReadOptions(columns, start, end_excl, num_threads, filters);
              o.row_groups = std::move(positions);
              Result<Table> t = [&] {
                py::gil_scoped_release nogil;
                return s.Read(o);
              }();
              return ValueOrThrow(std::move(t));
            }
            std::optional<Scalar> lo = OptScalar(start), hi = OptScalar(end_excl);
            Result<Table> t = [&] {
              py::gil_scoped_release nogil;
              return ReadRows(s, positions, columns, lo, hi);
            }();
            return ValueOrThrow(std::move(t));
          },
          py::arg("positions"), py::arg("columns") = py::none(), py::arg("start") = py::none(),
          py::arg("end_excl") = py::none(), py::arg("filters") = py::none(),
          py::arg("num_threads") = 1)
      .def("row_group_stats",
           [](const DatasetSnapshot& s) { return ValueOrThrow(s.RowGroupStats()); });

  py::class_<OrderedDataset>(m, "Dataset", "Handle on one ordered dataset (OrderedDataset).")
      .def(py::init([](std::string path, std::optional<std::string> ordered_on,
                       std::optional<double> lock_timeout) {
             OpenOptions o;
             o.ordered_on = std::move(ordered_on);
             o.lock_timeout = lock_timeout;
             return ValueOrThrow(OrderedDataset::Open(LocalFileSystem(), std::move(path), o));
           }),
           py::arg("path"), py::arg("ordered_on") = py::none(),
           py::arg("lock_timeout") = py::none())
      .def_property_readonly("path", &OrderedDataset::path)
      // Accessors reading the last committed metadata (no reader registration,
      // nothing created on disk).
      .def("num_row_groups",
           [](const OrderedDataset& d) { return ValueOrThrow(d.num_row_groups()); })
      .def("row_group_stats",
           [](const OrderedDataset& d) { return ValueOrThrow(d.RowGroupStats()); })
      .def("key_value_metadata",
           [](const OrderedDataset& d) { return ValueOrThrow(d.key_value_metadata()); })
      .def("ordered_on", [](const OrderedDataset& d) { return ValueOrThrow(d.ordered_on()); })
      .def("schema", [](const OrderedDataset& d) { return SchemaToPy(ValueOrThrow(d.schema())); })
      .def("schema_extra_json",
           [](const OrderedDataset& d) { return ValueOrThrow(d.schema_extra_json()); })
      .def("is_newly_initialized",
           [](const OrderedDataset& d) { return ValueOrThrow(d.is_newly_initialized()); })
      .def("max_file_id", [](const OrderedDataset& d) { return ValueOrThrow(d.max_file_id()); })
      .def(
          "snapshot",
          [](const OrderedDataset& d, std::optional<uint64_t> as_of_version,
             std::optional<int64_t> as_of_time_ns) {
            Result<DatasetSnapshot> s = [&] {
              py::gil_scoped_release nogil;
              if (as_of_version) return d.Snapshot(AsOf::Version(*as_of_version));
              if (as_of_time_ns) return d.Snapshot(AsOf::Time(*as_of_time_ns));
              return d.Snapshot();
            }();
            return std::make_shared<DatasetSnapshot>(ValueOrThrow(std::move(s)));
          },
          py::arg("as_of_version") = py::none(), py::arg("as_of_time_ns") = py::none())
      // Versions (docs/python.md#versions-and-time-travel).
      .def("versions",
           [](const OrderedDataset& d) {
             Result<std::vector<VersionInfo>> r = [&] {
               py::gil_scoped_release nogil;
               return d.Versions();
             }();
             py::list out;
             for (const VersionInfo& v : ValueOrThrow(std::move(r))) {
               py::dict row;
               row["version"] = v.version;
               row["kind"] = v.kind;
               row["committed_at"] = v.committed_at;
               row["rows_added"] = v.rows_added;
               row["rows_removed"] = v.rows_removed;
               row["rows_written"] = v.rows_written;
               row["row_groups_written"] = v.row_groups_written;
               row["row_groups_dropped"] = v.row_groups_dropped;
               row["num_rows"] = v.num_rows;
               row["num_row_groups"] = v.num_row_groups;
               row["kv_changes"] = v.kv_changes;
               row["restored_from"] = v.restored_from ? py::object(py::int_(*v.restored_from))
                                                      : py::object(py::none());
               out.append(row);
             }
             return out;
           })
      .def(
          "restore",
          [](OrderedDataset& d, uint64_t version,
             std::map<std::string, std::optional<std::string>> key_value_metadata,
             std::optional<double> lock_timeout) {
            RestoreOptions o;
            o.key_value_metadata = std::move(key_value_metadata);
            o.lock_timeout = lock_timeout;
            Result<uint64_t> r = [&] {
              py::gil_scoped_release nogil;
              return d.Restore(version, o);
            }();
            return ValueOrThrow(std::move(r));
          },
          py::arg("version"),
          py::arg("key_value_metadata") = std::map<std::string, std::optional<std::string>>{},
          py::arg("lock_timeout") = py::none())
      .def(
          "vacuum",
          [](OrderedDataset& d, std::optional<double> lock_timeout) {
            VacuumOptions o;
            o.lock_timeout = lock_timeout;
            Result<VacuumResult> r = [&] {
              py::gil_scoped_release nogil;
              return d.Vacuum(o);
            }();
            VacuumResult v = ValueOrThrow(std::move(r));
            py::dict out;
            out["versions_expired"] = v.versions_expired;
            out["files_deleted"] = v.files_deleted;
            out["files_kept_for_readers"] = v.files_kept_for_readers;
            out["history_files_deleted"] = v.history_files_deleted;
            return out;
          },
          py::arg("lock_timeout") = py::none())
      .def(
          "write",
          [](OrderedDataset& d, std::optional<Table> table, std::optional<std::string> ordered_on,
             std::optional<int64_t> target_rows, std::optional<std::string> target_period,
             std::optional<Columns> duplicates_on, std::optional<int64_t> max_n_off_target_rgs,
             bool max_n_off_target_rgs_given, std::map<std::string, std::optional<std::string>> key_value_metadata,
             std::string compression, std::optional<int> compression_level,
             std::optional<double> lock_timeout, std::optional<std::string> schema_extra_json,
             py::object details_merge, int num_threads, bool schema_evolution,
             std::optional<int64_t> keep_versions, std::optional<std::string> keep_for) {
            WriteOptions o;
            o.keep_versions = keep_versions;
            o.keep_for = std::move(keep_for);
            o.num_threads = num_threads < 1 ? 1 : num_threads;
            o.schema_evolution = schema_evolution;
            o.ordered_on = std::move(ordered_on);
            if (target_period) {
              o.row_group_target_size = Period(*target_period);
            } else if (target_rows) {
              o.row_group_target_size = *target_rows;
            }
            o.duplicates_on = std::move(duplicates_on);
            // Not given: the dataset's remembered setting (none of either
            // target argument: its remembered target).
            if (max_n_off_target_rgs_given) o.max_n_off_target_rgs = max_n_off_target_rgs;
            o.key_value_metadata = std::move(key_value_metadata);
            o.compression =
                ValueOrThrow(parquet::CompressionOptions::Parse(compression, compression_level));
            o.lock_timeout = lock_timeout;
            o.schema_extra_json = std::move(schema_extra_json);
            // details_merge(committed text or None) -> text or None, called
            // under the writer lock (WriteOptions::schema_extra_merge); its
            // Python exception is raised as is.
            std::optional<py::error_already_set> merge_error;
            if (!details_merge.is_none()) {
              o.schema_extra_merge = [&details_merge, &merge_error](
                                         const std::optional<std::string>& committed)
                  -> Result<std::optional<std::string>> {
                py::gil_scoped_acquire gil;
                try {
                  py::object r =
                      details_merge(committed ? py::object(py::str(*committed)) : py::none());
                  if (r.is_none()) return std::optional<std::string>{};
                  return std::optional<std::string>(r.cast<std::string>());
                } catch (py::error_already_set& e) {
                  merge_error.emplace(std::move(e));
                  return Status::InvalidArgument("merging the pandas details failed");
                }
              };
            }
            Status st;
            {
              py::gil_scoped_release nogil;
              st = table ? d.Write(*table, o) : d.Write(o);
            }
            if (merge_error) throw std::move(*merge_error);
            ThrowIfError(st);
          },
          py::arg("table"), py::arg("ordered_on") = py::none(),
          py::arg("target_rows") = py::none(), py::arg("target_period") = py::none(),
          py::arg("duplicates_on") = py::none(), py::arg("max_n_off_target_rgs") = py::none(),
          py::arg("max_n_off_target_rgs_given") = true,
          py::arg("key_value_metadata") = std::map<std::string, std::optional<std::string>>{},
          py::arg("compression") = "snappy", py::arg("compression_level") = py::none(),
          py::arg("lock_timeout") = py::none(), py::arg("schema_extra_json") = py::none(),
          py::arg("details_merge") = py::none(), py::arg("num_threads") = 1,
          py::arg("schema_evolution") = false, py::arg("keep_versions") = py::none(),
          py::arg("keep_for") = py::none())
      // Staged writes (OrderedDataset::Stage/CommitStaged): a part crosses
      // processes as its JSON text.
      .def(
          "stage",
          [](const OrderedDataset& d, Table table, std::optional<std::string> ordered_on,
             std::optional<int64_t> target_rows, std::optional<std::string> target_period,
             std::string compression, std::optional<int> compression_level,
             std::optional<std::string> schema_extra_json, std::string group) {
            StageOptions o;
            o.write.ordered_on = std::move(ordered_on);
            if (target_period) {
              o.write.row_group_target_size = Period(*target_period);
            } else if (target_rows) {
              o.write.row_group_target_size = *target_rows;
            }
            o.write.compression =
                ValueOrThrow(parquet::CompressionOptions::Parse(compression, compression_level));
            o.write.schema_extra_json = std::move(schema_extra_json);
            o.group = std::move(group);
            Result<StagedPart> part = [&] {
              py::gil_scoped_release nogil;
              return d.Stage(table, o);
            }();
            return ValueOrThrow(std::move(part)).ToJson();
          },
          py::arg("table"), py::arg("ordered_on") = py::none(),
          py::arg("target_rows") = py::none(), py::arg("target_period") = py::none(),
          py::arg("compression") = "snappy", py::arg("compression_level") = py::none(),
          py::arg("schema_extra_json") = py::none(), py::arg("group") = "")
      .def(
          "commit_staged",
          [](OrderedDataset& d, const std::vector<std::string>& parts_json,
             std::map<std::string, std::optional<std::string>> key_value_metadata,
             std::optional<double> lock_timeout) {
            std::vector<StagedPart> parts;
            for (const std::string& text : parts_json) {
              parts.push_back(ValueOrThrow(StagedPart::FromJson(text)));
            }
            CommitStagedOptions o;
            o.key_value_metadata = std::move(key_value_metadata);
            o.lock_timeout = lock_timeout;
            Status st;
            {
              py::gil_scoped_release nogil;
              st = d.CommitStaged(parts, o);
            }
            ThrowIfError(st);
          },
          py::arg("parts"),
          py::arg("key_value_metadata") = std::map<std::string, std::optional<std::string>>{},
          py::arg("lock_timeout") = py::none())
      .def(
          "abort_staging",
          [](const OrderedDataset& d, const std::string& group) {
            Result<int64_t> n = [&] {
              py::gil_scoped_release nogil;
              return d.AbortStaging(group);
            }();
            return ValueOrThrow(std::move(n));
          },
          py::arg("group"))
      .def("list_staging",
           [](const OrderedDataset& d) { return ValueOrThrow(d.ListStaging()); })
      .def(
          "remove",
          [](OrderedDataset& d, bool preserve_metadata, std::optional<double> lock_timeout) {
            RemoveOptions o;
            o.preserve_metadata = preserve_metadata;
            o.lock_timeout = lock_timeout;
            Status st;
            {
              py::gil_scoped_release nogil;
              st = d.Remove(o);
            }
            ThrowIfError(st);
          },
          py::arg("preserve_metadata") = false, py::arg("lock_timeout") = py::none());
  m.def("new_staging_group", &NewStagingGroup,
        "A new staging group name for Dataset.stage (UTC seconds and random digits).");
  m.def(
      "check_lock_timeout",
      [](std::optional<double> seconds) { ThrowIfError(CheckLockTimeout(seconds)); },
      py::arg("seconds"), "Raises ValueError unless None or a finite number >= 0 (the core's check).");
}

}  // namespace oups::python
