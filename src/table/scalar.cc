// Scalar's one out-of-line piece: the stop on a factory given a type of the
// wrong kind (see include/oups/table/scalar.h for the invariant).
#include "oups/table/scalar.h"

#include <cstdio>
#include <cstdlib>

namespace oups {

void Scalar::KindMismatch(const char* factory, const DataType& type) {
  std::fprintf(stderr, "oups: Scalar::%s cannot hold a value of type %s (programming error)\n",
               factory, type.ToString().c_str());
  std::abort();
}

}  // namespace oups
