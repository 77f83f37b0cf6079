// iter_intersections: stream several ordered datasets of a Store side by side
// over a range of the ordered column (docs/behaviour.md#iter-intersections).
//
//   oups::IntersectionIterator it = store.IterIntersections(
//       {k1, k2}, {.start = oups::Scalar::Int(10), .n_prev = {1, 0}});
//   for (oups::Result<oups::IntersectionChunk> chunk : it) {
//     if (!chunk.ok()) return chunk.status();
//     for (const auto& [key, table] : *chunk) { ... }   // in `keys` order
//   }
//
// Semantics (chunks of docs/behaviour.md#iter-intersections): the row groups
// (rgs) of each dataset are grouped into blocks of rgs sharing boundary values
// (min of rg i+1 == max of rg i). A dataset participates when one of its blocks
// intersects [start, end_excl). Chunk edges are start (or -inf), the sorted
// distinct `lo` of every participating block but the first of each dataset, and
// end_excl (or +inf). Each chunk holds, for every participating dataset in
// `keys` order, a table of its rows whose ordered value v satisfies edge_p <= v
// < edge_{p+1} (maybe empty, keeping the columns), the first chunk of dataset i
// prefixed with its last n_prev[i] rows having v < start (only when start is
// given).
//
// Streaming (docs/behaviour.md#iter-intersections): nothing is validated or
// read until the first Next(). Per dataset at most one block (plus the n_prev
// tail) is held; every rg is read once, with only the requested columns (plus
// the ordered column, used to cut and dropped unless requested). No writer lock
// is taken. Snapshots (docs/behaviour.md#snapshots): the first Next() takes a
// DatasetSnapshot of every dataset and reads all its rgs through it, so the
// iteration yields exactly the rows committed at that moment, whatever writers
// commit meanwhile (they are never blocked). The snapshots of participating
// datasets, and so their files, are held until the iterator is exhausted, ends
// on an error or is destroyed.
//
// Errors (Status, docs/behaviour.md#errors): a key of another indexer →
// kTypeError; a key given twice → kInvalidArgument naming it; n_prev negative →
// kInvalidArgument "'n_prev' values must be greater than or equal to 0."; an
// n_prev list whose length differs from the number of keys → kInvalidArgument
// stating both counts; datasets with different ordered_on → kInvalidArgument
// "inconsistent 'ordered_on' columns. '<k1>' has '<c1>', but '<k>' has '<c2>'."
// (raised before any rg is read); a bound incomparable with the ordered column
// → kTypeError; unknown columns → kNotFound. An error ends the iteration.
// Keys without a dataset are ignored; no key, start >= end_excl or no
// participating dataset → nothing is yielded.
//
// Thread-safety: an IntersectionIterator is a single-consumer object (not
// thread-safe); several iterators may run concurrently. Ownership: it shares
// the Store's FileSystem; yielded tables own (share) their buffers and are
// independent of later chunks.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/status.h"
#include "oups/store/indexer.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups {

// n_prev of iter_intersections: one value for every key (NPrev(2), `.n_prev =
// 2`) or one value per key, aligned with `keys` by position (`.n_prev = {1,
// 0}`), keys without a dataset included.
class NPrev {
 public:
  NPrev() = default;
  NPrev(int64_t all) : all_(all) {}  // NOLINT(runtime/explicit): `.n_prev = 2`
  NPrev(std::initializer_list<int64_t> per_key)  // NOLINT(runtime/explicit)
      : per_key_(per_key), is_list_(true) {}
  explicit NPrev(std::vector<int64_t> per_key)
      : per_key_(std::move(per_key)), is_list_(true) {}

  bool is_list() const { return is_list_; }
  int64_t all() const { return all_; }
  const std::vector<int64_t>& per_key() const { return per_key_; }

 private:
  int64_t all_ = 0;
  std::vector<int64_t> per_key_;
  bool is_list_ = false;
};

struct IterIntersectionsOptions {
  // Inclusive lower / exclusive upper bound on the ordered column (either
  // optional), in the ordered column's type (as ReadOptions).
  std::optional<Scalar> start{};
  std::optional<Scalar> end_excl{};
  NPrev n_prev{};
  // nullopt: every stored column; else these, in this order.
  std::optional<Columns> columns{};
  // How many datasets stay registered as readers at once (each registration
  // holds a file descriptor). 0: 256, or a quarter of the process's descriptor
  // limit if lower. Beyond it, the least recently read datasets are released
  // and registered again when next read, which then fails (NotFound naming
  // the dataset and file) if a writer meanwhile rewrote row groups the
  // iteration still needs; with fewer keys than this, nothing is released.
  int max_registered_datasets = 0;
  // Threads decoding the row groups of a chunk (as ReadOptions::num_threads);
  // the chunks are the same for any value.
  int num_threads = 1;
  // Read every dataset as of this instant (UTC nanoseconds since the epoch):
  // the version of each in force then (OrderedDataset::Snapshot(AsOf)). A
  // dataset whose first version was committed later takes no part; one whose
  // version of then is no longer kept fails the iteration (NotFound).
  std::optional<int64_t> as_of_time_ns{};
};

// One chunk: (key, table) for every participating dataset, in `keys` order.
using IntersectionChunk = std::vector<std::pair<IndexKey, Table>>;

// The table of `key` in `chunk`, or nullptr when the dataset does not take part.
const Table* FindInChunk(const IntersectionChunk& chunk, const IndexKey& key);

class IntersectionIterator {
 public:
  // Normally built by Store::IterIntersections: datasets are the directories
  // `basepath/key.ToPath()` in `fs`, keys must be of `schema`.
  IntersectionIterator(std::shared_ptr<FileSystem> fs, std::string basepath,
                       IndexerSchema schema, std::vector<IndexKey> keys,
                       IterIntersectionsOptions options);
  // An iterator whose first Next() returns `error` (a non-OK Status).
  explicit IntersectionIterator(Status error);
  ~IntersectionIterator();
  IntersectionIterator(IntersectionIterator&&) noexcept;
  IntersectionIterator& operator=(IntersectionIterator&&) noexcept;
  IntersectionIterator(const IntersectionIterator&) = delete;
  IntersectionIterator& operator=(const IntersectionIterator&) = delete;

  // The next chunk; nullopt when exhausted. After an error, returns nullopt.
  [[nodiscard]] Result<std::optional<IntersectionChunk>> Next();

  // The schema-extra JSON (OrderedDataset::schema_extra_json, e.g. the pandas
  // details) of `key`'s dataset in the committed state this iteration reads,
  // so that a caller interprets the chunks with the details of the same state.
  // nullptr before the first Next() and for a key that does not take part.
  const std::optional<std::string>* SchemaExtraJson(const IndexKey& key) const;

  // Input-range interface: `for (Result<IntersectionChunk> c : it)`. An error
  // is yielded once, then the range ends.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Result<IntersectionChunk>;
    using difference_type = std::ptrdiff_t;
    using pointer = value_type*;
    using reference = value_type&;

    iterator() = default;
    reference operator*() { return *current_; }
    pointer operator->() { return &*current_; }
    iterator& operator++() {
      Advance();
      return *this;
    }
    void operator++(int) { Advance(); }
    friend bool operator==(const iterator& a, const iterator& b) {
      return a.owner_ == b.owner_;
    }

   private:
    friend class IntersectionIterator;
    explicit iterator(IntersectionIterator* owner) : owner_(owner) { Advance(); }
    void Advance();
    IntersectionIterator* owner_ = nullptr;
    std::optional<value_type> current_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace oups
