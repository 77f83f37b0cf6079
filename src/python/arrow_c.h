// Arrow interchange of the binding: the Arrow C Data Interface and C Stream
// Interface (docs/python.md#arrow).
//
// Export: a core Table becomes an ArrowSchema/ArrowArray pair (one struct array
// whose children are the columns) whose buffers ARE the Table's buffers: our
// in-memory layout is Arrow's (include/oups/table/column.h), so nothing is
// copied; the release callbacks drop the references that kept the buffers
// alive. An ArrowArrayStream hands out one such batch per call of a Python
// callable (one row group each for a dataset), so a consumer never needs the
// whole dataset in memory.
// Import: an ArrowArrayStream (from any object's __arrow_c_stream__) becomes a
// core Table; fixed-width, boolean and 64-bit-offset text buffers are wrapped
// without copying (the imported batch is released when the last column using
// it goes), 32-bit offsets are widened, string/binary views copied into our
// layout, dictionary columns are decoded and
// durations become int64 counts of their unit (as pandas timedeltas are stored).
//
// The struct layouts below are those of the Arrow C Data Interface
// specification (a stable ABI), written here and guarded by the macros the
// specification names so that another definition of them may coexist.
//
// Thread-safety: exported structs may be released from any thread (buffers
// owned by Python objects take the GIL when dropped); a stream's get_next takes
// the GIL to call its Python producer. Ownership: every struct handed out is
// owned by its consumer until its release callback runs.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

namespace oups::python {

// _oups.arrow_capsules, arrow_schema_capsule, arrow_stream, table_from_arrow_stream,
// arrow_buffer_addresses (see arrow_c.cc).
void RegisterArrow(pybind11::module_& m);

}  // namespace oups::python
