// The pybind11 module oups._oups: the C++ core as seen by the pure-Python
// package python/oups (which owns every pandas concern). Parts:
//   errors.cc         Status -> Python exceptions (docs/behaviour.md#errors)
//   table_convert.cc  numpy column specs <-> Table, bounds -> Scalar
//   arrow_c.cc        Table <-> Arrow C Data / C Stream Interface (PyCapsules)
//   bind_dataset.cc   Dataset (OrderedDataset), Snapshot (DatasetSnapshot)
//   bind_store.cc     IndexerSchema, Key, Store, IntersectionIterator
#include <pybind11/pybind11.h>

#include "arrow_c.h"
#include "bindings.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/version.h"

PYBIND11_MODULE(_oups, m) {
  m.doc() = "oups core binding (internal: use oups / oups.store).";
  m.attr("__version__") = oups::Version();
  m.attr("DEFAULT_ROW_GROUP_TARGET_SIZE") = oups::kDefaultRowGroupTargetSize;
  oups::python::RegisterErrors(m);
  oups::python::RegisterTable(m);
  oups::python::RegisterArrow(m);
  oups::python::RegisterDataset(m);
  oups::python::RegisterStore(m);
}
