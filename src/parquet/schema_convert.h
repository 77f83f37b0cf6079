// Mapping between oups Fields and Parquet schema elements (private).
//
// Write side: the Parquet physical/logical/converted types for an oups type.
// Read side: validation of a file's flat schema and the oups type each leaf
// column reads as. Thrift types stay inside src/parquet.
#pragma once

#include <string>
#include <vector>

#include "oups/parquet/metadata.h"
#include "parquet/thrift/generated/parquet_types.h"

namespace oups::parquet {

// The schema element written for `field` (NotSupported for types the writer
// cannot store).
Result<format::SchemaElement> ToSchemaElement(const Field& field);
// The descriptor of a column written from `field`.
Result<ColumnDescriptor> DescriptorForField(const Field& field);

// Validates a file's schema list (root + flat leaves) and returns one
// descriptor per leaf. Nested or repeated columns give NotSupported naming the
// column; malformed lists give Corruption.
Result<std::vector<ColumnDescriptor>> DescriptorsFromSchema(
    const std::vector<format::SchemaElement>& schema);

}  // namespace oups::parquet
