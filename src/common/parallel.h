// ParallelFor: runs task(i) for i in [0, n) on up to `num_threads` threads
// (the calling thread included) and returns the first non-OK Status in index
// order, or OK. Private helper of the core (src/).
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "oups/status.h"

namespace oups {

inline Status ParallelFor(int64_t n, int num_threads,
                          const std::function<Status(int64_t)>& task) {
  if (num_threads <= 1 || n <= 1) {
    for (int64_t i = 0; i < n; ++i) OUPS_RETURN_NOT_OK(task(i));
    return Status::OK();
  }
  std::vector<Status> results(static_cast<size_t>(n));
  std::atomic<int64_t> next{0};
  auto worker = [&]() {
    for (int64_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      results[static_cast<size_t>(i)] = task(i);
    }
  };
  const int64_t extra = std::min<int64_t>(num_threads, n) - 1;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(extra));
  for (int64_t t = 0; t < extra; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (auto& st : results) OUPS_RETURN_NOT_OK(st);
  return Status::OK();
}

}  // namespace oups
