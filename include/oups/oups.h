// oups: umbrella header of the public C++ API (every installed header).
//
// Thread-safety and ownership are documented per class in each header.
#pragma once

#include "oups/common/buffer.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/dataset/recover.h"
#include "oups/io/file_system.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/metadata.h"
#include "oups/parquet/printer.h"
#include "oups/parquet/properties.h"
#include "oups/parquet/statistics.h"
#include "oups/result.h"
#include "oups/status.h"
#include "oups/store/indexer.h"
#include "oups/store/iter_intersections.h"
#include "oups/store/key.h"
#include "oups/store/store.h"
#include "oups/table/builder.h"
#include "oups/table/column.h"
#include "oups/table/kernels.h"
#include "oups/table/scalar.h"
#include "oups/table/types.h"
#include "oups/version.h"
