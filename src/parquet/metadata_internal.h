// Conversion of thrift FileMetaData to oups's FileMetadata, with validation of
// everything a reader later relies on (private to src/parquet).
#pragma once

#include <string>
#include <vector>

#include "oups/parquet/metadata.h"
#include "parquet/thrift/generated/parquet_types.h"

namespace oups::parquet {

// Validates `fmd` against a file of `file_size` bytes whose footer starts at
// `footer_start`: flat schema, one chunk per column in every row group, valid
// enums, chunk byte ranges inside [4, footer_start). Errors are Corruption or
// NotSupported (without the file name: callers add it).
Result<FileMetadata> ConvertFileMetadata(const format::FileMetaData& fmd, int64_t footer_start);

ColumnStatistics ConvertStatistics(const format::Statistics& s, bool signed_min_max_usable);

// The schema element written for `field` (NotSupported for types the writer
// cannot store). In schema_convert.cc.
Result<format::SchemaElement> ToSchemaElement(const Field& field);

// Validates a file's schema list (root + flat leaves) and returns one
// descriptor per leaf. Nested or repeated columns give NotSupported naming the
// column; malformed lists give Corruption. In schema_convert.cc.
Result<std::vector<ColumnDescriptor>> DescriptorsFromSchema(
    const std::vector<format::SchemaElement>& schema);

}  // namespace oups::parquet
