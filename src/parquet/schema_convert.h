// Mapping between oups Fields and Parquet column descriptors (private).
//
// The Thrift side of the mapping (ToSchemaElement, DescriptorsFromSchema) is
// declared with the other metadata internals (metadata_internal.h), which with
// the Thrift bridge are the only headers that include the generated types.
#pragma once

#include "oups/parquet/metadata.h"

namespace oups::parquet {

// The descriptor of a column written from `field` (NotSupported for types the
// writer cannot store).
Result<ColumnDescriptor> DescriptorForField(const Field& field);

}  // namespace oups::parquet
