// Registration functions of the _oups module's parts (one per bind_*.cc).
#pragma once

#include <pybind11/pybind11.h>

namespace oups::python {

void RegisterErrors(pybind11::module_& m);
void RegisterTable(pybind11::module_& m);
void RegisterDataset(pybind11::module_& m);
void RegisterStore(pybind11::module_& m);

}  // namespace oups::python
