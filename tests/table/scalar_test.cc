// Scalar: the factories put each value in the slot of its type, and refuse a
// type of another kind.
#include "oups/table/scalar.h"

#include <gtest/gtest.h>

namespace oups {
namespace {

TEST(Scalar, DefaultIsValidInt64Zero) {
  Scalar s;
  EXPECT_TRUE(s.is_valid());
  EXPECT_EQ(s.type(), DataType::Int64());
  EXPECT_EQ(s.i64(), 0);
}

TEST(Scalar, EachFactoryFillsOnlyItsSlot) {
  Scalar i = Scalar::Int(-7, DataType::Int16());
  EXPECT_EQ(i.i64(), -7);
  EXPECT_EQ(i.u64(), 0u);
  EXPECT_EQ(i.f64(), 0.0);
  EXPECT_TRUE(i.bytes().empty());

  Scalar u = Scalar::UInt(9, DataType::UInt8());
  EXPECT_EQ(u.u64(), 9u);
  EXPECT_EQ(u.i64(), 0);

  Scalar f = Scalar::Float(1.5, DataType::Float32());
  EXPECT_EQ(f.f64(), 1.5);
  EXPECT_EQ(f.i64(), 0);

  EXPECT_TRUE(Scalar::Bool(true).bool_value());
  EXPECT_EQ(Scalar::String("ab").bytes(), "ab");
  EXPECT_EQ(Scalar::String("ab").type(), DataType::String());
  EXPECT_EQ(Scalar::Binary("\x01").type(), DataType::Binary());

  Scalar ts = Scalar::Timestamp(5, TimeUnit::kMicro, "Europe/Paris");
  EXPECT_EQ(ts.i64(), 5);
  EXPECT_EQ(ts.type().timezone, "Europe/Paris");
  EXPECT_EQ(Scalar::Date32(3).type(), DataType::Date32());
  EXPECT_EQ(Scalar::Duration(4, TimeUnit::kSecond).type(), DataType::Duration(TimeUnit::kSecond));

  Scalar d = Scalar::Decimal(20, 2, 0xFFFFFFFFFFFFFFFFull, -1);
  EXPECT_EQ(d.i64(), -1);
  EXPECT_EQ(d.u64(), 0xFFFFFFFFFFFFFFFFull);
  EXPECT_EQ(d.type(), DataType::Decimal(20, 2));
}

TEST(Scalar, NullKeepsItsType) {
  Scalar n = Scalar::Null(DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_FALSE(n.is_valid());
  EXPECT_EQ(n.type(), DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_EQ(n.i64(), 0);
}

TEST(ScalarDeathTest, FactoryRefusesATypeOfAnotherKind) {
  EXPECT_DEATH((void)Scalar::Int(1, DataType::Float64()), "Scalar::Int cannot hold a value of type float64");
  EXPECT_DEATH((void)Scalar::Int(1, DataType::UInt32()), "Scalar::Int cannot hold a value of type uint32");
  EXPECT_DEATH((void)Scalar::UInt(1, DataType::Int64()), "Scalar::UInt cannot hold a value of type int64");
  EXPECT_DEATH((void)Scalar::Float(1, DataType::String()), "Scalar::Float cannot hold a value of type");
}

}  // namespace
}  // namespace oups
