#include "oups/table/types.h"

#include <gtest/gtest.h>

namespace oups {
namespace {

TEST(TimeUnit, Names) {
  EXPECT_EQ(TimeUnitName(TimeUnit::kSecond), "s");
  EXPECT_EQ(TimeUnitName(TimeUnit::kMilli), "ms");
  EXPECT_EQ(TimeUnitName(TimeUnit::kMicro), "us");
  EXPECT_EQ(TimeUnitName(TimeUnit::kNano), "ns");
}

TEST(DataType, ToString) {
  EXPECT_EQ(DataType::Bool().ToString(), "bool");
  EXPECT_EQ(DataType::Int8().ToString(), "int8");
  EXPECT_EQ(DataType::Int16().ToString(), "int16");
  EXPECT_EQ(DataType::Int32().ToString(), "int32");
  EXPECT_EQ(DataType::Int64().ToString(), "int64");
  EXPECT_EQ(DataType::UInt8().ToString(), "uint8");
  EXPECT_EQ(DataType::UInt16().ToString(), "uint16");
  EXPECT_EQ(DataType::UInt32().ToString(), "uint32");
  EXPECT_EQ(DataType::UInt64().ToString(), "uint64");
  EXPECT_EQ(DataType::Float32().ToString(), "float32");
  EXPECT_EQ(DataType::Float64().ToString(), "float64");
  EXPECT_EQ(DataType::String().ToString(), "string");
  EXPECT_EQ(DataType::Binary().ToString(), "binary");
  EXPECT_EQ(DataType::Date32().ToString(), "date32");
  EXPECT_EQ(DataType::Timestamp(TimeUnit::kNano).ToString(), "timestamp[ns]");
  EXPECT_EQ(DataType::Timestamp(TimeUnit::kNano, "Europe/Paris").ToString(),
            "timestamp[ns, tz=Europe/Paris]");
  EXPECT_EQ(DataType::Timestamp(TimeUnit::kMilli, "UTC").ToString(), "timestamp[ms, tz=UTC]");
  EXPECT_EQ(DataType::Duration(TimeUnit::kMicro).ToString(), "duration[us]");
  EXPECT_EQ(DataType::Decimal(18, 3).ToString(), "decimal(18, 3)");
}

TEST(DataType, ByteWidth) {
  EXPECT_EQ(DataType::Bool().byte_width(), 0);
  EXPECT_EQ(DataType::Int8().byte_width(), 1);
  EXPECT_EQ(DataType::UInt8().byte_width(), 1);
  EXPECT_EQ(DataType::Int16().byte_width(), 2);
  EXPECT_EQ(DataType::UInt16().byte_width(), 2);
  EXPECT_EQ(DataType::Int32().byte_width(), 4);
  EXPECT_EQ(DataType::UInt32().byte_width(), 4);
  EXPECT_EQ(DataType::Float32().byte_width(), 4);
  EXPECT_EQ(DataType::Date32().byte_width(), 4);
  EXPECT_EQ(DataType::Int64().byte_width(), 8);
  EXPECT_EQ(DataType::UInt64().byte_width(), 8);
  EXPECT_EQ(DataType::Float64().byte_width(), 8);
  EXPECT_EQ(DataType::Timestamp(TimeUnit::kSecond).byte_width(), 8);
  EXPECT_EQ(DataType::Duration(TimeUnit::kNano).byte_width(), 8);
  EXPECT_EQ(DataType::Decimal(38, 0).byte_width(), 16);
  EXPECT_EQ(DataType::String().byte_width(), 0);
  EXPECT_EQ(DataType::Binary().byte_width(), 0);
}

TEST(DataType, Predicates) {
  for (auto t : {DataType::Int8(), DataType::Int16(), DataType::Int32(), DataType::Int64()}) {
    EXPECT_TRUE(t.is_integer()) << t.ToString();
    EXPECT_TRUE(t.is_signed_integer()) << t.ToString();
  }
  for (auto t :
       {DataType::UInt8(), DataType::UInt16(), DataType::UInt32(), DataType::UInt64()}) {
    EXPECT_TRUE(t.is_integer()) << t.ToString();
    EXPECT_FALSE(t.is_signed_integer()) << t.ToString();
  }
  for (auto t : {DataType::Bool(), DataType::Float64(), DataType::String(), DataType::Date32(),
                 DataType::Timestamp(TimeUnit::kNano), DataType::Duration(TimeUnit::kNano),
                 DataType::Decimal(10, 2)}) {
    EXPECT_FALSE(t.is_integer()) << t.ToString();
    EXPECT_FALSE(t.is_signed_integer()) << t.ToString();
  }
  EXPECT_TRUE(DataType::Float32().is_floating());
  EXPECT_TRUE(DataType::String().is_var_length());
  EXPECT_TRUE(DataType::Binary().is_var_length());
  EXPECT_FALSE(DataType::Decimal(10, 2).is_var_length());
}

TEST(DataType, Equality) {
  EXPECT_EQ(DataType::Int64(), DataType::Int64());
  EXPECT_NE(DataType::Int64(), DataType::UInt64());
  EXPECT_EQ(DataType::Timestamp(TimeUnit::kNano), DataType::Timestamp(TimeUnit::kNano));
  EXPECT_NE(DataType::Timestamp(TimeUnit::kNano), DataType::Timestamp(TimeUnit::kMicro));
  EXPECT_NE(DataType::Timestamp(TimeUnit::kNano), DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_NE(DataType::Timestamp(TimeUnit::kNano, "UTC"),
            DataType::Timestamp(TimeUnit::kNano, "Europe/Paris"));
  EXPECT_NE(DataType::Duration(TimeUnit::kNano), DataType::Duration(TimeUnit::kSecond));
  EXPECT_NE(DataType::Decimal(18, 3), DataType::Decimal(18, 2));
  EXPECT_NE(DataType::Decimal(18, 3), DataType::Decimal(17, 3));
  EXPECT_EQ(DataType::Decimal(18, 3), DataType::Decimal(18, 3));
  // Parameters that do not apply to a type are ignored.
  DataType a = DataType::Int32();
  a.unit = TimeUnit::kSecond;
  a.timezone = "UTC";
  EXPECT_EQ(a, DataType::Int32());
}

}  // namespace
}  // namespace oups
