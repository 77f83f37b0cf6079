// iter_intersections (docs/behaviour.md#iter-intersections): streaming chunks
// of several datasets.
#include "oups/store/iter_intersections.h"

#include <sys/resource.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dataset/parallel_read.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"

namespace oups {

const Table* FindInChunk(const IntersectionChunk& chunk, const IndexKey& key) {
  for (const auto& [k, t] : chunk) {
    if (k == key) return &t;
  }
  return nullptr;
}

namespace {

// column[row] >= value
Result<bool> AtLeast(const Column& column, int64_t row, const Scalar& value) {
  OUPS_ASSIGN_OR_RETURN(int64_t lb, LowerBound(column.Slice(row, 1), value));
  return lb == 0;
}
// column[row] < value
Result<bool> Below(const Column& column, int64_t row, const Scalar& value) {
  OUPS_ASSIGN_OR_RETURN(bool ge, AtLeast(column, row, value));
  return !ge;
}
// column[row] <= value
Result<bool> AtMost(const Column& column, int64_t row, const Scalar& value) {
  OUPS_ASSIGN_OR_RETURN(int64_t ub, UpperBound(column.Slice(row, 1), value));
  return ub == 1;
}

struct Block {
  int64_t first_rg;
  int64_t last_rg;  // inclusive
};

struct DatasetState {
  DatasetState(IndexKey k, DatasetSnapshot s, int64_t n)
      : key(std::move(k)), snap(std::move(s)), n_prev(n) {}
  IndexKey key;
  // Taken at the first Next(); every rg is read through it, and it keeps the
  // rg files on disk until the iterator ends or is destroyed
  // (docs/behaviour.md#iter-intersections, memory and consistency).
  DatasetSnapshot snap;
  int64_t n_prev = 0;
  std::vector<uint64_t> n_rows;  // per rg, from the snapshot
  Column mins;
  Column maxs;
  std::vector<Block> blocks;  // participating blocks only
  size_t cur = 0;             // current block in `blocks`
  Table block;                // rows of the current block (read columns)
  Column ordered;             // its ordered column
  int64_t cursor = 0;         // first row of `block` not yet yielded
  std::optional<Table> prefix;  // n_prev rows, for the first chunk
  uint64_t last_use = 0;        // when its rgs were last read (registration LRU)
  bool released = false;        // its registration was released at least once
};

// How many snapshots an iterator keeps registered at once (each registration
// holds a file descriptor; a process has 1,024 by default): 256, or a quarter
// of the descriptor limit if lower, at least 4.
size_t DefaultMaxRegistered() {
  rlimit l{};
  size_t cap = 256;
  if (::getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur != RLIM_INFINITY) {
    cap = std::min<size_t>(cap, static_cast<size_t>(l.rlim_cur / 4));
  }
  return std::max<size_t>(cap, 4);
}

}  // namespace

struct IntersectionIterator::Impl {
  std::shared_ptr<FileSystem> fs;
  std::string basepath;
  IndexerSchema schema;
  std::vector<IndexKey> keys;
  IterIntersectionsOptions options;
  Status error;  // deferred construction error

  bool started = false;
  bool done = false;
  std::string ordered_on;
  Columns read_columns;  // empty: all
  std::vector<DatasetState> datasets;  // participating, in keys order
  // Their schema-extra JSON (SchemaExtraJson), kept after `datasets` is
  // released at the end of the iteration.
  std::vector<std::pair<IndexKey, std::optional<std::string>>> extras;
  std::vector<Scalar> boundaries;      // B
  size_t next_chunk = 0;

  Status Start();
  Status ReadRowGroups(DatasetState& d, int64_t first, int64_t last, Table* out);
  // Registers `d` again if released, first releasing the least recently read
  // registered snapshot when `max_registered` are registered.
  Status EnsureRegistered(DatasetState& d);

  size_t max_registered = 0;
  uint64_t clock = 0;
  // Registered datasets by last use (index in `datasets`), least recent first.
  std::set<std::pair<uint64_t, size_t>> lru;
  Status LoadBlock(DatasetState& d, size_t b);
  Status LoadPrefix(DatasetState& d);
  Result<IntersectionChunk> MakeChunk(size_t p);
};

Status IntersectionIterator::Impl::Start() {
  OUPS_RETURN_NOT_OK(error);
  if (keys.empty()) {
    done = true;
    return Status::OK();
  }
  std::set<IndexKey> seen;
  for (const IndexKey& k : keys) {
    OUPS_RETURN_NOT_OK(schema.CheckKey(k));
    if (!seen.insert(k).second) {
      return Status::InvalidArgument("key '" + k.ToString() + "' is given twice in 'keys'.");
    }
  }
  const NPrev& np = options.n_prev;
  if (np.is_list() && np.per_key().size() != keys.size()) {
    return Status::InvalidArgument(
        "'n_prev' has " + std::to_string(np.per_key().size()) + " values but " +
        std::to_string(keys.size()) + " keys are given; the counts must be equal.");
  }
  auto n_prev_of = [&](size_t i) { return np.is_list() ? np.per_key()[i] : np.all(); };
  for (size_t i = 0; i < keys.size(); ++i) {
    if (n_prev_of(i) < 0) {
      return Status::InvalidArgument("'n_prev' values must be greater than or equal to 0.");
    }
  }
  // Existing datasets and ordered_on consistency, before any rg is read.
  std::vector<DatasetState> existing;
  std::string first_key;
  for (size_t i = 0; i < keys.size(); ++i) {
    OUPS_ASSIGN_OR_RETURN(OrderedDataset ds,
                          OrderedDataset::Open(fs, JoinPath(basepath, keys[i].ToPath())));
    // Keys without a dataset are skipped without registering as a reader
    // (which would create the dataset's reader file).
    OUPS_ASSIGN_OR_RETURN(bool fresh, ds.is_newly_initialized());
    if (fresh) continue;
    Result<DatasetSnapshot> taken =
        options.as_of_time_ns ? ds.Snapshot(AsOf::Time(*options.as_of_time_ns)) : ds.Snapshot();
    if (!taken.ok() && taken.status().IsNotFound() && options.as_of_time_ns) {
      // Created after that instant (its first version is readable and later).
      auto versions = ds.Versions();
      if (versions.ok() && (versions->empty() || versions->front().version == 1)) continue;
    }
    OUPS_ASSIGN_OR_RETURN(DatasetSnapshot snap, std::move(taken));
    if (snap.is_newly_initialized()) continue;  // removed meanwhile
    // Its rg list now, so that its metadata file is closed (descriptors).
    OUPS_RETURN_NOT_OK(snap.LoadRowGroups());
    const std::string c = snap.ordered_on().value_or("");
    if (existing.empty()) {
      ordered_on = c;
      first_key = keys[i].ToString();
    } else if (c != ordered_on) {
      return Status::InvalidArgument("inconsistent 'ordered_on' columns. '" + first_key +
                                     "' has '" + ordered_on + "', but '" +
                                     keys[i].ToString() + "' has '" + c + "'.");
    }
    existing.push_back(DatasetState(keys[i], std::move(snap), n_prev_of(i)));
    // Descriptors stay bounded while the snapshots of thousands of keys are
    // taken: the earliest ones are released (registered again when read).
    if (existing.size() > max_registered) {
      existing[existing.size() - 1 - max_registered].snap.ReleaseRegistration();
    }
  }
  const auto& start = options.start;
  const auto& end = options.end_excl;
  if (start && end) {
    OUPS_ASSIGN_OR_RETURN(Column sc, ScalarColumn(*start));
    OUPS_ASSIGN_OR_RETURN(bool empty_range, AtLeast(sc, 0, *end));
    if (empty_range) {
      done = true;
      return Status::OK();
    }
  }
  if (options.columns) {
    read_columns = *options.columns;
    if (std::find(read_columns.begin(), read_columns.end(), ordered_on) ==
        read_columns.end()) {
      read_columns.push_back(ordered_on);
    }
  }
  // Blocks and participation, chunk edges
  // (docs/behaviour.md#iter-intersections).
  std::vector<std::pair<Column, int64_t>> cands;
  for (DatasetState& d : existing) {
    OUPS_ASSIGN_OR_RETURN(Table stats, d.snap.RowGroupStats());
    const int64_t n = stats.num_rows();
    if (n == 0) continue;
    const Column& nr = stats.column(1);
    for (int64_t i = 0; i < n; ++i) d.n_rows.push_back(nr.data<uint64_t>()[i]);
    d.mins = stats.column(2);
    d.maxs = stats.column(3);
    std::vector<Block> all;
    for (int64_t i = 0; i < n; ++i) {
      if (i > 0 && CompareValues(d.mins, i, d.maxs, i - 1) == 0) {
        all.back().last_rg = i;
      } else {
        all.push_back(Block{i, i});
      }
    }
    for (const Block& b : all) {
      bool ok = true;
      if (start) {
        OUPS_ASSIGN_OR_RETURN(bool ge, AtLeast(d.maxs, b.last_rg, *start));
        ok = ge;
      }
      if (ok && end) {
        OUPS_ASSIGN_OR_RETURN(bool lt, Below(d.mins, b.first_rg, *end));
        ok = lt;
      }
      if (ok) d.blocks.push_back(b);
    }
    if (d.blocks.empty()) continue;
    for (size_t b = 1; b < d.blocks.size(); ++b) {
      cands.emplace_back(d.mins, d.blocks[b].first_rg);
    }
    datasets.push_back(std::move(d));
  }
  if (datasets.empty()) {
    done = true;
    return Status::OK();
  }
  for (size_t i = 0; i < datasets.size(); ++i) {
    if (datasets[i].snap.registered()) {
      datasets[i].last_use = ++clock;
      lru.insert({datasets[i].last_use, i});
    }
  }
  std::sort(cands.begin(), cands.end(), [](const auto& a, const auto& b) {
    return CompareValues(a.first, a.second, b.first, b.second) < 0;
  });
  for (size_t i = 0; i < cands.size(); ++i) {
    if (i > 0 && CompareValues(cands[i].first, cands[i].second, cands[i - 1].first,
                               cands[i - 1].second) == 0) {
      continue;
    }
    boundaries.push_back(GetScalar(cands[i].first, cands[i].second));
  }
  // First block of every dataset (and its n_prev rows) before the first yield.
  for (DatasetState& d : datasets) {
    OUPS_RETURN_NOT_OK(LoadBlock(d, 0));
    if (start) {
      OUPS_ASSIGN_OR_RETURN(d.cursor, LowerBound(d.ordered, *start));
      if (d.n_prev > 0) OUPS_RETURN_NOT_OK(LoadPrefix(d));
    }
  }
  return Status::OK();
}

Status IntersectionIterator::Impl::EnsureRegistered(DatasetState& d) {
  const size_t index = static_cast<size_t>(&d - datasets.data());
  if (d.snap.registered()) {
    lru.erase({d.last_use, index});
    d.last_use = ++clock;
    lru.insert({d.last_use, index});
    return Status::OK();
  }
  if (lru.size() >= max_registered && !lru.empty()) {
    datasets[lru.begin()->second].snap.ReleaseRegistration();
    lru.erase(lru.begin());
  }
  d.last_use = ++clock;
  // Registered again without re-reading the metadata (a metadata read per
  // block would make iterating over more keys than max_registered several
  // times slower): row-group files are immutable and their ids never reused,
  // so a file still there is the one the snapshot knows (and the footer
  // checks of every read hold); a file a writer deleted meanwhile fails the
  // read with NotFound, which ReadRowGroups explains.
  d.released = true;
  OUPS_RETURN_NOT_OK(d.snap.Reregister());
  lru.insert({d.last_use, index});
  return Status::OK();
}

Status IntersectionIterator::Impl::ReadRowGroups(DatasetState& d, int64_t first,
                                                 int64_t last, Table* out) {
  OUPS_RETURN_NOT_OK(EnsureRegistered(d));
  // The rgs decoded in parallel (dataset/parallel_read.h): each through the
  // snapshot's read of one rg position, with its columns' share of threads.
  ReadOptions ro;
  if (!read_columns.empty()) ro.columns = read_columns;
  auto read_rg = [&](int64_t k, int column_threads) -> Result<Table> {
    const int64_t rg = first + k;
    ReadOptions one = ro;
    one.row_groups = std::vector<int64_t>{rg};
    one.num_threads = column_threads;
    Result<Table> read = d.snap.Read(one);
    if (!read.ok() && read.status().IsNotFound() && d.released) {
      return Status::NotFound("dataset '" + d.snap.path() + "' was rewritten while this " +
                              "iteration was not registered as its reader (more keys than " +
                              "max_registered_datasets): row group " + std::to_string(rg) +
                              " is gone; start the read again (" + read.status().message() +
                              ")");
    }
    OUPS_ASSIGN_OR_RETURN(Table t, std::move(read));
    if (t.num_rows() != static_cast<int64_t>(d.n_rows[static_cast<size_t>(rg)])) {
      return Status::Corruption("row group " + std::to_string(rg) + " of dataset '" +
                                d.snap.path() + "' holds " + std::to_string(t.num_rows()) +
                                " rows, the metadata says " +
                                std::to_string(d.n_rows[static_cast<size_t>(rg)]));
    }
    return t;
  };
  int64_t rows = 0;
  for (int64_t rg = first; rg <= last; ++rg) {
    rows += static_cast<int64_t>(d.n_rows[static_cast<size_t>(rg)]);
  }
  OUPS_ASSIGN_OR_RETURN(std::vector<Table> parts,
                        dataset::ReadRowGroupsInParallel(
                            last - first + 1, dataset::ThreadsFor(rows, options.num_threads),
                            read_rg));
  if (parts.size() == 1) {
    *out = std::move(parts[0]);
    return Status::OK();
  }
  OUPS_ASSIGN_OR_RETURN(*out, ConcatenateTables(parts));
  return Status::OK();
}

Status IntersectionIterator::Impl::LoadBlock(DatasetState& d, size_t b) {
  d.cur = b;
  d.block = Table();
  d.ordered = Column();
  OUPS_RETURN_NOT_OK(ReadRowGroups(d, d.blocks[b].first_rg, d.blocks[b].last_rg, &d.block));
  OUPS_ASSIGN_OR_RETURN(d.ordered, d.block.GetColumn(ordered_on));
  d.cursor = 0;
  return Status::OK();
}

// The last n_prev rows with v < start: first from the current (first) block
// before the cursor, then from earlier rgs read backwards just as needed.
Status IntersectionIterator::Impl::LoadPrefix(DatasetState& d) {
  const int64_t from_block = std::min<int64_t>(d.n_prev, d.cursor);
  Table in_block = d.block.Slice(d.cursor - from_block, from_block);
  int64_t missing = d.n_prev - from_block;
  int64_t first = d.blocks[0].first_rg;
  int64_t sum = 0;
  while (missing > sum && first > 0) {
    --first;
    sum += static_cast<int64_t>(d.n_rows[static_cast<size_t>(first)]);
  }
  if (first == d.blocks[0].first_rg) {
    d.prefix = std::move(in_block);
    return Status::OK();
  }
  Table earlier;
  OUPS_RETURN_NOT_OK(ReadRowGroups(d, first, d.blocks[0].first_rg - 1, &earlier));
  const int64_t take = std::min(missing, earlier.num_rows());
  earlier = earlier.Slice(earlier.num_rows() - take, take);
  OUPS_ASSIGN_OR_RETURN(Table p, ConcatenateTables({earlier, in_block}));
  d.prefix = std::move(p);
  return Status::OK();
}

Result<IntersectionChunk> IntersectionIterator::Impl::MakeChunk(size_t p) {
  const bool last = p == boundaries.size();
  IntersectionChunk chunk;
  chunk.reserve(datasets.size());
  for (DatasetState& d : datasets) {
    if (p > 0) {
      // Enter the next block when its lo is the chunk's lower edge.
      while (d.cur + 1 < d.blocks.size()) {
        OUPS_ASSIGN_OR_RETURN(bool reached,
                              AtMost(d.mins, d.blocks[d.cur + 1].first_rg, boundaries[p - 1]));
        if (!reached) break;
        OUPS_RETURN_NOT_OK(LoadBlock(d, d.cur + 1));
      }
    }
    int64_t stop = d.block.num_rows();
    if (!last) {
      OUPS_ASSIGN_OR_RETURN(stop, LowerBound(d.ordered, boundaries[p]));
    } else if (options.end_excl) {
      OUPS_ASSIGN_OR_RETURN(stop, LowerBound(d.ordered, *options.end_excl));
    }
    stop = std::max(stop, d.cursor);
    Table piece = d.block.Slice(d.cursor, stop - d.cursor);
    d.cursor = stop;
    if (d.prefix) {
      if (d.prefix->num_rows() > 0) {
        OUPS_ASSIGN_OR_RETURN(piece, ConcatenateTables({*d.prefix, piece}));
      }
      d.prefix.reset();
    }
    if (options.columns) {
      OUPS_ASSIGN_OR_RETURN(piece, piece.SelectColumns(*options.columns));
    }
    chunk.emplace_back(d.key, std::move(piece));
  }
  if (last) {
    // Release every block: nothing more is yielded.
    for (DatasetState& d : datasets) {
      d.block = Table();
      d.ordered = Column();
    }
  }
  return chunk;
}

IntersectionIterator::IntersectionIterator(std::shared_ptr<FileSystem> fs,
                                           std::string basepath, IndexerSchema schema,
                                           std::vector<IndexKey> keys,
                                           IterIntersectionsOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->fs = std::move(fs);
  impl_->basepath = std::move(basepath);
  impl_->schema = std::move(schema);
  impl_->keys = std::move(keys);
  impl_->options = std::move(options);
  impl_->max_registered = impl_->options.max_registered_datasets > 0
                              ? static_cast<size_t>(impl_->options.max_registered_datasets)
                              : DefaultMaxRegistered();
}

IntersectionIterator::IntersectionIterator(Status error) : impl_(std::make_unique<Impl>()) {
  impl_->error = error.ok() ? Status::Internal("IntersectionIterator: OK error") : error;
}

IntersectionIterator::~IntersectionIterator() = default;

const std::optional<std::string>* IntersectionIterator::SchemaExtraJson(
    const IndexKey& key) const {
  if (!impl_) return nullptr;
  for (const auto& [k, extra] : impl_->extras) {
    if (k == key) return &extra;
  }
  return nullptr;
}
IntersectionIterator::IntersectionIterator(IntersectionIterator&&) noexcept = default;
IntersectionIterator& IntersectionIterator::operator=(IntersectionIterator&&) noexcept =
    default;

Result<std::optional<IntersectionChunk>> IntersectionIterator::Next() {
  Impl& im = *impl_;
  if (im.done) return std::optional<IntersectionChunk>();
  if (!im.started) {
    im.started = true;
    Status st = im.Start();
    if (!st.ok()) {
      im.done = true;
      im.datasets.clear();
      return st;
    }
    for (const DatasetState& d : im.datasets) {
      im.extras.emplace_back(d.key, d.snap.schema_extra_json());
    }
    if (im.done) return std::optional<IntersectionChunk>();
  }
  if (im.next_chunk > im.boundaries.size()) {
    im.done = true;
    return std::optional<IntersectionChunk>();
  }
  Result<IntersectionChunk> chunk = im.MakeChunk(im.next_chunk++);
  if (!chunk.ok()) {
    im.done = true;
    im.datasets.clear();
    return chunk.status();
  }
  if (im.next_chunk > im.boundaries.size()) {
    im.done = true;
    im.datasets.clear();  // exhausted: release the snapshots
  }
  return std::optional<IntersectionChunk>(*std::move(chunk));
}

void IntersectionIterator::iterator::Advance() {
  if (owner_ == nullptr) return;
  Result<std::optional<IntersectionChunk>> r = owner_->Next();
  if (!r.ok()) {
    current_.emplace(r.status());
    return;
  }
  if (!r->has_value()) {
    owner_ = nullptr;
    current_.reset();
    return;
  }
  current_.emplace(std::move(**r));
}

}  // namespace oups
