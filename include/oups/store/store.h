// Store: a collection of ordered datasets named by the keys of one indexer
// schema (docs/behaviour.md#store), under a base path:
//
//   <basepath>/<level 0 component>/.../<parent components>/<name>_opdmd
//
// one directory level per indexer level; key.ToPath() is the dataset's
// directory relative to basepath (its metadata file `<name>_opdmd` sits next
// to it, docs/behaviour.md#on-disk-layout).
//
//   OUPS_ASSIGN_OR_RETURN(oups::Store store,
//                         oups::Store::Open(oups::LocalFileSystem(), "data", schema));
//   OUPS_ASSIGN_OR_RETURN(oups::OrderedDataset ds, store.Get(key));  // no disk write
//   OUPS_RETURN_NOT_OK(ds.Write(table, {.ordered_on = "ts"}));
//   OUPS_ASSIGN_OR_RETURN(std::vector<oups::IndexKey> keys, store.Keys());
//
// No key cache (docs/behaviour.md#store): Keys, Size, ToString and Contains
// look at the disk on every call, so datasets created or removed by other
// handles or processes are seen by the very next call. Discovery
// (docs/behaviour.md#discovery) lists the directories exactly depth-1 levels
// below basepath (following symlinks) and takes every non-directory entry named
// `<name>_opdmd` (name non-empty) whose relative path parses strictly with
// IndexerSchema::FromPath; nothing else is read. Discovery goes on past bad
// entries: a directory below basepath that cannot be listed is skipped, and so
// is a symbolic link leading back to a directory above it (a loop is never
// followed); List() reports each, Keys() leaves them out. Only an unreadable
// basepath fails the whole discovery.
//
// TypedStore<Key> is the same over a typed key (oups/store/key.h).
//
// Thread-safety: a Store is an immutable, cheap-to-copy value; all methods may
// be called concurrently. Handles returned by Get are independent; any number
// of handles on one dataset can coexist in one process without deadlock
// (readers take no writer lock). Ownership: shares the FileSystem.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/status.h"
#include "oups/store/indexer.h"
#include "oups/store/iter_intersections.h"
#include "oups/store/key.h"

namespace oups {

// What discovery found: the keys, and the entries it skipped.
struct StoreListing {
  struct Problem {
    std::string path;    // the directory skipped
    std::string reason;  // the listing error ("IOError: ... Permission denied"),
                         // or why it was not followed (a symbolic link loop)
    bool error = false;  // true: keys below it may be missed
  };
  std::vector<IndexKey> keys;  // sorted, as Keys()
  std::vector<Problem> problems;
};

class Store {
 public:
  // A store over `basepath` (need not exist; nothing is created). An invalid
  // (default-constructed) schema or an empty basepath → kInvalidArgument.
  [[nodiscard]] static Result<Store> Open(std::shared_ptr<FileSystem> fs,
                                          std::string basepath, IndexerSchema schema);

  const std::string& basepath() const { return basepath_; }
  const IndexerSchema& indexer() const { return schema_; }
  const std::shared_ptr<FileSystem>& file_system() const { return fs_; }

  // The dataset directory of `key`: basepath/key.ToPath().
  std::string DatasetPath(const IndexKey& key) const;

  // A new handle on `key`'s dataset (docs/behaviour.md#store): never fails for
  // a missing key and creates nothing on disk. kTypeError for a key of another
  // schema.
  [[nodiscard]] Result<OrderedDataset> Get(const IndexKey& key,
                                           OpenOptions options = {}) const;

  // Whether key's metadata file exists now (false for a key of another schema).
  [[nodiscard]] Result<bool> Contains(const IndexKey& key) const;

  // Keys present now, sorted (docs/behaviour.md#store). A missing basepath
  // gives none. Entries that cannot be listed are skipped (see List()); an
  // unreadable basepath is the listing error.
  [[nodiscard]] Result<std::vector<IndexKey>> Keys() const;
  // Keys() with the directories it skipped and why.
  [[nodiscard]] Result<StoreListing> List() const;
  // The keys whose path (IndexKey::ToPath) starts with the directories of
  // `prefix`: '/'-separated leading path components, fewer than depth() (e.g.
  // "S000001" for every year of one instrument, or a top-level value and
  // some of its sublevels). Only the directory `prefix` names is walked: the
  // cost is that of what it holds, whatever the number of other keys. A
  // prefix that names no directory gives none; "" is Keys(). InvalidArgument
  // for an empty, "." or ".." component, or as many components as a key has.
  [[nodiscard]] Result<std::vector<IndexKey>> Keys(std::string_view prefix) const;
  // Keys(prefix) with the directories it skipped and why.
  [[nodiscard]] Result<StoreListing> List(std::string_view prefix) const;
  [[nodiscard]] Result<int64_t> Size() const;
  // Python repr: key.ToString() of each key, sorted, '\n'-joined ("" if none).
  [[nodiscard]] Result<std::string> ToString() const;

  // del store[key] (docs/behaviour.md#store): kNotFound "key '<key>' not found
  // in store." when no metadata file exists; else removes the dataset (waiting
  // for the writer lock without limit) then every now-empty parent directory up
  // to basepath (exclusive). kTypeError for a key of another schema.
  [[nodiscard]] Status Remove(const IndexKey& key) const;

  // docs/behaviour.md#iter-intersections; lazy: nothing happens before the
  // first Next().
  IntersectionIterator IterIntersections(std::vector<IndexKey> keys,
                                         IterIntersectionsOptions options = {}) const;

 private:
  Store(std::shared_ptr<FileSystem> fs, std::string basepath, IndexerSchema schema)
      : fs_(std::move(fs)), basepath_(std::move(basepath)), schema_(std::move(schema)) {}
  std::shared_ptr<FileSystem> fs_;
  std::string basepath_;
  IndexerSchema schema_;
};

// A Store whose keys are a typed OUPS_KEY struct.
template <IndexerKey Key>
class TypedStore {
 public:
  [[nodiscard]] static Result<TypedStore> Open(std::shared_ptr<FileSystem> fs,
                                               std::string basepath) {
    OUPS_ASSIGN_OR_RETURN(Store s,
                          Store::Open(std::move(fs), std::move(basepath),
                                      KeyTraits<Key>::Schema()));
    return TypedStore(std::move(s));
  }

  const Store& untyped() const { return store_; }
  const std::string& basepath() const { return store_.basepath(); }

  // kInvalidArgument when the key's values are invalid
  // (docs/behaviour.md#keys).
  [[nodiscard]] Result<OrderedDataset> Get(const Key& key, OpenOptions options = {}) const {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, KeyTraits<Key>::ToKey(key));
    return store_.Get(k, std::move(options));
  }
  [[nodiscard]] Result<bool> Contains(const Key& key) const {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, KeyTraits<Key>::ToKey(key));
    return store_.Contains(k);
  }
  [[nodiscard]] Result<std::vector<Key>> Keys() const {
    OUPS_ASSIGN_OR_RETURN(std::vector<IndexKey> keys, store_.Keys());
    std::vector<Key> out;
    out.reserve(keys.size());
    for (const IndexKey& k : keys) {
      OUPS_ASSIGN_OR_RETURN(Key t, KeyTraits<Key>::FromKey(k));
      out.push_back(std::move(t));
    }
    return out;
  }
  [[nodiscard]] Result<int64_t> Size() const { return store_.Size(); }
  [[nodiscard]] Result<std::string> ToString() const { return store_.ToString(); }
  [[nodiscard]] Status Remove(const Key& key) const {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, KeyTraits<Key>::ToKey(key));
    return store_.Remove(k);
  }
  // Keys are converted to IndexKey; an invalid key makes the first Next() fail.
  IntersectionIterator IterIntersections(const std::vector<Key>& keys,
                                         IterIntersectionsOptions options = {}) const {
    std::vector<IndexKey> ks;
    Status bad;
    for (const Key& key : keys) {
      Result<IndexKey> k = KeyTraits<Key>::ToKey(key);
      if (!k.ok()) {
        bad = k.status();
        break;
      }
      ks.push_back(*std::move(k));
    }
    if (!bad.ok()) return IntersectionIterator(bad);
    return store_.IterIntersections(std::move(ks), std::move(options));
  }

 private:
  explicit TypedStore(Store s) : store_(std::move(s)) {}
  Store store_;
};

}  // namespace oups
