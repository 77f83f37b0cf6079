#include "parquet/schema_convert.h"

#include <string>

#include "parquet/metadata_internal.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {

namespace {

format::LogicalType IntLogical(int bits, bool is_signed) {
  format::IntType it;
  it.__set_bitWidth(static_cast<int8_t>(bits));
  it.__set_isSigned(is_signed);
  format::LogicalType lt;
  lt.__set_INTEGER(it);
  return lt;
}

format::TimeUnit ToThriftUnit(TimeUnit unit) {
  format::TimeUnit u;
  switch (unit) {
    case TimeUnit::kSecond:
    case TimeUnit::kMilli: u.__set_MILLIS(format::MilliSeconds()); break;
    case TimeUnit::kMicro: u.__set_MICROS(format::MicroSeconds()); break;
    case TimeUnit::kNano: u.__set_NANOS(format::NanoSeconds()); break;
  }
  return u;
}

std::string UnitLogicalName(const format::TimeUnit& u) {
  if (u.__isset.MILLIS) return "MILLIS";
  if (u.__isset.MICROS) return "MICROS";
  if (u.__isset.NANOS) return "NANOS";
  return "?";
}

Result<TimeUnit> FromThriftUnit(const format::TimeUnit& u, const std::string& col) {
  if (u.__isset.MILLIS) return TimeUnit::kMilli;
  if (u.__isset.MICROS) return TimeUnit::kMicro;
  if (u.__isset.NANOS) return TimeUnit::kNano;
  return Status::Corruption("column '" + col + "': timestamp without a time unit");
}

int DecimalBytesFor(int precision) {
  // Smallest n with 10^precision - 1 < 2^(8n - 1).
  int n = 1;
  long double limit = 128.0L;  // 2^7
  long double need = 1.0L;
  for (int i = 0; i < precision; ++i) need *= 10.0L;
  while (limit < need) {
    ++n;
    limit *= 256.0L;
  }
  return n;
}

}  // namespace

Result<format::SchemaElement> ToSchemaElement(const Field& field) {
  format::SchemaElement el;
  el.__set_name(field.name);
  el.__set_repetition_type(field.nullable ? format::FieldRepetitionType::OPTIONAL
                                          : format::FieldRepetitionType::REQUIRED);
  const DataType& t = field.type;
  switch (t.id) {
    case TypeId::kBool: el.__set_type(format::Type::BOOLEAN); break;
    case TypeId::kInt8:
      el.__set_type(format::Type::INT32);
      el.__set_logicalType(IntLogical(8, true));
      el.__set_converted_type(format::ConvertedType::INT_8);
      break;
    case TypeId::kInt16:
      el.__set_type(format::Type::INT32);
      el.__set_logicalType(IntLogical(16, true));
      el.__set_converted_type(format::ConvertedType::INT_16);
      break;
    case TypeId::kInt32:
      el.__set_type(format::Type::INT32);
      el.__set_logicalType(IntLogical(32, true));
      el.__set_converted_type(format::ConvertedType::INT_32);
      break;
    case TypeId::kInt64:
      el.__set_type(format::Type::INT64);
      el.__set_logicalType(IntLogical(64, true));
      el.__set_converted_type(format::ConvertedType::INT_64);
      break;
    case TypeId::kUInt8:
      el.__set_type(format::Type::INT32);
      el.__set_logicalType(IntLogical(8, false));
      el.__set_converted_type(format::ConvertedType::UINT_8);
      break;
    case TypeId::kUInt16:
      el.__set_type(format::Type::INT32);
      el.__set_logicalType(IntLogical(16, false));
      el.__set_converted_type(format::ConvertedType::UINT_16);
      break;
    case TypeId::kUInt32:
      el.__set_type(format::Type::INT32);
      el.__set_logicalType(IntLogical(32, false));
      el.__set_converted_type(format::ConvertedType::UINT_32);
      break;
    case TypeId::kUInt64:
      el.__set_type(format::Type::INT64);
      el.__set_logicalType(IntLogical(64, false));
      el.__set_converted_type(format::ConvertedType::UINT_64);
      break;
    case TypeId::kFloat32: el.__set_type(format::Type::FLOAT); break;
    case TypeId::kFloat64: el.__set_type(format::Type::DOUBLE); break;
    case TypeId::kString: {
      el.__set_type(format::Type::BYTE_ARRAY);
      format::LogicalType lt;
      lt.__set_STRING(format::StringType());
      el.__set_logicalType(lt);
      el.__set_converted_type(format::ConvertedType::UTF8);
      break;
    }
    case TypeId::kBinary: el.__set_type(format::Type::BYTE_ARRAY); break;
    case TypeId::kTimestamp: {
      el.__set_type(format::Type::INT64);
      format::TimestampType ts;
      const bool utc = !t.timezone.empty();
      ts.__set_isAdjustedToUTC(utc);
      ts.__set_unit(ToThriftUnit(t.unit));
      format::LogicalType lt;
      lt.__set_TIMESTAMP(ts);
      el.__set_logicalType(lt);
      // The legacy annotations imply UTC adjustment: only write them then.
      if (utc && (t.unit == TimeUnit::kSecond || t.unit == TimeUnit::kMilli)) {
        el.__set_converted_type(format::ConvertedType::TIMESTAMP_MILLIS);
      } else if (utc && t.unit == TimeUnit::kMicro) {
        el.__set_converted_type(format::ConvertedType::TIMESTAMP_MICROS);
      }
      break;
    }
    case TypeId::kDate32: {
      el.__set_type(format::Type::INT32);
      format::LogicalType lt;
      lt.__set_DATE(format::DateType());
      el.__set_logicalType(lt);
      el.__set_converted_type(format::ConvertedType::DATE);
      break;
    }
    case TypeId::kDuration:
      // Parquet has no duration type: a plain INT64 count of the unit.
      el.__set_type(format::Type::INT64);
      el.__set_logicalType(IntLogical(64, true));
      el.__set_converted_type(format::ConvertedType::INT_64);
      break;
    case TypeId::kDecimal: {
      if (t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision) {
        return Status::InvalidArgument("column '" + field.name + "': invalid " +
                                       t.ToString());
      }
      el.__set_type(format::Type::FIXED_LEN_BYTE_ARRAY);
      el.__set_type_length(DecimalBytesFor(t.precision));
      format::DecimalType dt;
      dt.__set_precision(t.precision);
      dt.__set_scale(t.scale);
      format::LogicalType lt;
      lt.__set_DECIMAL(dt);
      el.__set_logicalType(lt);
      el.__set_converted_type(format::ConvertedType::DECIMAL);
      el.__set_precision(t.precision);
      el.__set_scale(t.scale);
      break;
    }
  }
  return el;
}

namespace {

std::string LogicalName(const format::SchemaElement& el) {
  if (!el.__isset.logicalType) return "";
  const auto& lt = el.logicalType;
  const auto& is = lt.__isset;
  if (is.STRING) return "STRING";
  if (is.ENUM) return "ENUM";
  if (is.JSON) return "JSON";
  if (is.BSON) return "BSON";
  if (is.UUID) return "UUID";
  if (is.DATE) return "DATE";
  if (is.FLOAT16) return "FLOAT16";
  if (is.UNKNOWN) return "UNKNOWN";
  if (is.MAP) return "MAP";
  if (is.LIST) return "LIST";
  if (is.VARIANT) return "VARIANT";
  if (is.GEOMETRY) return "GEOMETRY";
  if (is.GEOGRAPHY) return "GEOGRAPHY";
  if (is.INTEGER) {
    return "INTEGER(" + std::to_string(int(lt.INTEGER.bitWidth)) + "," +
           (lt.INTEGER.isSigned ? "true" : "false") + ")";
  }
  if (is.DECIMAL) {
    return "DECIMAL(" + std::to_string(lt.DECIMAL.precision) + "," +
           std::to_string(lt.DECIMAL.scale) + ")";
  }
  if (is.TIMESTAMP) {
    return "TIMESTAMP(" + UnitLogicalName(lt.TIMESTAMP.unit) + "," +
           (lt.TIMESTAMP.isAdjustedToUTC ? "true" : "false") + ")";
  }
  if (is.TIME) {
    return "TIME(" + UnitLogicalName(lt.TIME.unit) + "," +
           (lt.TIME.isAdjustedToUTC ? "true" : "false") + ")";
  }
  return "";
}

Status Unsupported(const std::string& col, const std::string& what) {
  return Status::NotSupported("unsupported column '" + col + "': " + what);
}

Result<DataType> DecimalType(const std::string& col, int32_t precision, int32_t scale,
                             format::Type::type physical, int32_t type_length) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    return Unsupported(col, "decimal(" + std::to_string(precision) + ", " +
                                std::to_string(scale) +
                                ") outside decimal128 (precision 1..38, 0 <= scale <= precision)");
  }
  if (physical == format::Type::FIXED_LEN_BYTE_ARRAY && (type_length < 1 || type_length > 16)) {
    return Unsupported(col, "decimal stored in " + std::to_string(type_length) +
                                " bytes (at most 16 supported)");
  }
  if (physical != format::Type::INT32 && physical != format::Type::INT64 &&
      physical != format::Type::FIXED_LEN_BYTE_ARRAY && physical != format::Type::BYTE_ARRAY) {
    return Status::Corruption("column '" + col + "': DECIMAL annotation on " +
                              format::to_string(physical));
  }
  return DataType::Decimal(precision, scale);
}

Result<DataType> LogicalFor(const format::SchemaElement& el) {
  const std::string& col = el.name;
  const format::Type::type pt = el.type;
  const bool has_lt = el.__isset.logicalType;
  const auto& lt = el.logicalType;
  const bool has_ct = el.__isset.converted_type;
  const auto ct = el.converted_type;
  auto bad_annotation = [&](const std::string& what) {
    return Status::Corruption("column '" + col + "': " + what + " annotation on physical type " +
                              format::to_string(pt));
  };
  // Logical types unknown to oups.
  if (has_lt) {
    const auto& is = lt.__isset;
    if (is.MAP || is.LIST) return Unsupported(col, "nested type " + LogicalName(el));
    if (is.TIME) return Unsupported(col, "type " + LogicalName(el));
    if (is.VARIANT || is.GEOMETRY || is.GEOGRAPHY || is.BSON) {
      return Unsupported(col, "type " + LogicalName(el));
    }
  }
  if (has_ct && (ct == format::ConvertedType::MAP || ct == format::ConvertedType::LIST ||
                 ct == format::ConvertedType::MAP_KEY_VALUE)) {
    return Unsupported(col, "nested type " + format::to_string(ct));
  }
  if (has_ct && (ct == format::ConvertedType::TIME_MILLIS ||
                 ct == format::ConvertedType::TIME_MICROS ||
                 ct == format::ConvertedType::INTERVAL)) {
    return Unsupported(col, "type " + format::to_string(ct));
  }
  // Decimal first (any physical type).
  if ((has_lt && lt.__isset.DECIMAL) || (has_ct && ct == format::ConvertedType::DECIMAL)) {
    int32_t precision = has_lt && lt.__isset.DECIMAL ? lt.DECIMAL.precision : el.precision;
    int32_t scale = has_lt && lt.__isset.DECIMAL ? lt.DECIMAL.scale : el.scale;
    return DecimalType(col, precision, scale, pt, el.type_length);
  }
  switch (pt) {
    case format::Type::BOOLEAN: return DataType::Bool();
    case format::Type::INT32: {
      int bits = 32;
      bool is_signed = true;
      if (has_lt && lt.__isset.INTEGER) {
        bits = lt.INTEGER.bitWidth;
        is_signed = lt.INTEGER.isSigned;
        if (bits != 8 && bits != 16 && bits != 32) return bad_annotation("INTEGER(" + std::to_string(bits) + ")");
      } else if (has_lt && lt.__isset.DATE) {
        return DataType::Date32();
      } else if (has_ct) {
        switch (ct) {
          case format::ConvertedType::INT_8: bits = 8; break;
          case format::ConvertedType::INT_16: bits = 16; break;
          case format::ConvertedType::INT_32: bits = 32; break;
          case format::ConvertedType::UINT_8: bits = 8; is_signed = false; break;
          case format::ConvertedType::UINT_16: bits = 16; is_signed = false; break;
          case format::ConvertedType::UINT_32: bits = 32; is_signed = false; break;
          case format::ConvertedType::DATE: return DataType::Date32();
          default: break;
        }
      }
      if (bits == 8) return is_signed ? DataType::Int8() : DataType::UInt8();
      if (bits == 16) return is_signed ? DataType::Int16() : DataType::UInt16();
      return is_signed ? DataType::Int32() : DataType::UInt32();
    }
    case format::Type::INT64: {
      if (has_lt && lt.__isset.TIMESTAMP) {
        OUPS_ASSIGN_OR_RETURN(TimeUnit unit, FromThriftUnit(lt.TIMESTAMP.unit, col));
        return DataType::Timestamp(unit, lt.TIMESTAMP.isAdjustedToUTC ? "UTC" : "");
      }
      if (has_lt && lt.__isset.INTEGER) {
        if (lt.INTEGER.bitWidth != 64) return bad_annotation("INTEGER(" + std::to_string(int(lt.INTEGER.bitWidth)) + ")");
        return lt.INTEGER.isSigned ? DataType::Int64() : DataType::UInt64();
      }
      if (has_ct) {
        switch (ct) {
          case format::ConvertedType::UINT_64: return DataType::UInt64();
          case format::ConvertedType::TIMESTAMP_MILLIS:
            return DataType::Timestamp(TimeUnit::kMilli, "UTC");
          case format::ConvertedType::TIMESTAMP_MICROS:
            return DataType::Timestamp(TimeUnit::kMicro, "UTC");
          default: break;
        }
      }
      return DataType::Int64();
    }
    case format::Type::INT96: return DataType::Timestamp(TimeUnit::kNano);
    case format::Type::FLOAT: return DataType::Float32();
    case format::Type::DOUBLE: return DataType::Float64();
    case format::Type::BYTE_ARRAY: {
      if (has_lt && (lt.__isset.STRING || lt.__isset.ENUM || lt.__isset.JSON)) {
        return DataType::String();
      }
      if (has_ct && (ct == format::ConvertedType::UTF8 || ct == format::ConvertedType::ENUM ||
                     ct == format::ConvertedType::JSON)) {
        return DataType::String();
      }
      return DataType::Binary();
    }
    case format::Type::FIXED_LEN_BYTE_ARRAY: {
      if (has_lt && lt.__isset.FLOAT16) {
        if (el.type_length != 2) return bad_annotation("FLOAT16 with length " + std::to_string(el.type_length));
        return DataType::Float32();
      }
      return DataType::Binary();
    }
  }
  return Status::Corruption("column '" + col + "': invalid physical type " +
                            std::to_string(static_cast<int>(pt)));
}

}  // namespace

Result<ColumnDescriptor> DescriptorForField(const Field& field) {
  OUPS_ASSIGN_OR_RETURN(format::SchemaElement el, ToSchemaElement(field));
  ColumnDescriptor d;
  d.name = field.name;
  d.physical_type = static_cast<PhysicalType>(el.type);
  d.type_length = el.__isset.type_length ? el.type_length : 0;
  d.optional = field.nullable;
  d.logical = field.type;
  if (d.logical.id == TypeId::kTimestamp && d.logical.unit == TimeUnit::kSecond) {
    d.logical.unit = TimeUnit::kMilli;  // stored (and read back) as milliseconds
  }
  d.logical_name = LogicalName(el);
  if (el.__isset.converted_type) d.converted_type = static_cast<int32_t>(el.converted_type);
  return d;
}

Result<std::vector<ColumnDescriptor>> DescriptorsFromSchema(
    const std::vector<format::SchemaElement>& schema) {
  if (schema.empty()) return Status::Corruption("empty schema (no root element)");
  const format::SchemaElement& root = schema[0];
  const int64_t n_children = root.__isset.num_children ? root.num_children : 0;
  if (n_children < 0 || n_children > static_cast<int64_t>(schema.size()) - 1) {
    return Status::Corruption("schema root claims " + std::to_string(n_children) +
                              " children but the schema has " +
                              std::to_string(schema.size() - 1) + " more elements");
  }
  std::vector<ColumnDescriptor> out;
  out.reserve(static_cast<size_t>(n_children));
  size_t i = 1;
  for (int64_t c = 0; c < n_children; ++c) {
    if (i >= schema.size()) return Status::Corruption("schema ends early");
    const format::SchemaElement& el = schema[i];
    if (el.__isset.num_children && el.num_children > 0) {
      return Unsupported(el.name, "nested group (STRUCT, LIST or MAP) with " +
                                       std::to_string(el.num_children) + " children");
    }
    if (!el.__isset.type) {
      return Status::Corruption("schema element '" + el.name + "' has neither a type nor children");
    }
    if (!IsValidEnum(el.type)) {
      return Status::Corruption("column '" + el.name + "': invalid physical type " +
                                std::to_string(static_cast<int>(el.type)));
    }
    format::FieldRepetitionType::type rep =
        el.__isset.repetition_type ? el.repetition_type : format::FieldRepetitionType::OPTIONAL;
    if (!IsValidEnum(rep)) {
      return Status::Corruption("column '" + el.name + "': invalid repetition type");
    }
    if (rep == format::FieldRepetitionType::REPEATED) {
      return Unsupported(el.name, "repeated field (nested list)");
    }
    if (el.__isset.converted_type && !IsValidEnum(el.converted_type)) {
      return Status::Corruption("column '" + el.name + "': invalid converted type " +
                                std::to_string(static_cast<int>(el.converted_type)));
    }
    if (el.type == format::Type::FIXED_LEN_BYTE_ARRAY &&
        (!el.__isset.type_length || el.type_length <= 0 || el.type_length > (1 << 20))) {
      return Status::Corruption("column '" + el.name + "': FIXED_LEN_BYTE_ARRAY with invalid length " +
                                std::to_string(el.type_length));
    }
    ColumnDescriptor d;
    d.name = el.name;
    d.physical_type = static_cast<PhysicalType>(el.type);
    d.type_length = el.type == format::Type::FIXED_LEN_BYTE_ARRAY ? el.type_length : 0;
    d.optional = rep == format::FieldRepetitionType::OPTIONAL;
    OUPS_ASSIGN_OR_RETURN(d.logical, LogicalFor(el));
    d.logical_name = LogicalName(el);
    if (el.__isset.converted_type) d.converted_type = static_cast<int32_t>(el.converted_type);
    out.push_back(std::move(d));
    ++i;
  }
  if (i != schema.size()) {
    return Status::Corruption("schema has " + std::to_string(schema.size() - i) +
                              " elements outside the root's children");
  }
  return out;
}

}  // namespace oups::parquet
