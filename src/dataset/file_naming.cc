#include "dataset/file_naming.h"

#include <cstdio>

#include "oups/io/file_system.h"

namespace oups::dataset {
namespace {

constexpr std::string_view kRowGroupPrefix = "file_";
constexpr std::string_view kRowGroupSuffix = ".parquet";
constexpr std::string_view kLockSuffix = ".lock";
constexpr std::string_view kTempSuffix = ".tmp";
constexpr size_t kIdPadding = 8;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string RowGroupFileName(uint64_t id) {
  char digits[32];
  std::snprintf(digits, sizeof(digits), "%08llu", static_cast<unsigned long long>(id));
  std::string out(kRowGroupPrefix);
  out += digits;
  out += kRowGroupSuffix;
  return out;
}

std::optional<uint64_t> ParseRowGroupFileName(std::string_view name) {
  if (!name.starts_with(kRowGroupPrefix) || !name.ends_with(kRowGroupSuffix)) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(
      kRowGroupPrefix.size(), name.size() - kRowGroupPrefix.size() - kRowGroupSuffix.size());
  if (digits.size() < kIdPadding || digits.size() > 20) return std::nullopt;
  // Canonical form only: beyond 8 digits, no leading zero.
  if (digits.size() > kIdPadding && digits[0] == '0') return std::nullopt;
  uint64_t id = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (id > (UINT64_MAX - d) / 10) return std::nullopt;  // overflow
    id = id * 10 + d;
  }
  return id;
}

std::string MetadataFileName(std::string_view dataset_name) {
  std::string out(dataset_name);
  out += kMetadataSuffix;
  return out;
}

std::optional<std::string> DatasetNameFromMetadataFileName(std::string_view file_name) {
  if (file_name.size() <= kMetadataSuffix.size() || !file_name.ends_with(kMetadataSuffix)) {
    return std::nullopt;
  }
  return std::string(file_name.substr(0, file_name.size() - kMetadataSuffix.size()));
}

std::string LockFileName(std::string_view dataset_name) {
  std::string out(dataset_name);
  out += kLockSuffix;
  return out;
}

std::string ReaderLockFileName(std::string_view dataset_name) {
  std::string out(dataset_name);
  out += ".readers";
  return out;
}

std::string AltReaderLockFileName(std::string_view dataset_name) {
  std::string out(dataset_name);
  out += ".alt.readers";
  return out;
}

std::string TempMetadataFileName(std::string_view dataset_name, uint64_t token) {
  char hex[24];
  std::snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(token));
  std::string out = ".";
  out += dataset_name;
  out += kMetadataSuffix;
  out += '.';
  out += hex;
  out += kTempSuffix;
  return out;
}

bool IsTempMetadataFileName(std::string_view file_name, std::string_view dataset_name) {
  // "." + name + "_opdmd." + hex + ".tmp": another dataset's temp file cannot
  // match, because the part between our prefix and ".tmp" is pure hex while
  // the other dataset's name continues with "_opdmd." (an underscore).
  const size_t prefix_len = 1 + dataset_name.size() + kMetadataSuffix.size() + 1;
  if (file_name.size() <= prefix_len + kTempSuffix.size()) return false;
  if (file_name[0] != '.' || file_name.substr(1, dataset_name.size()) != dataset_name ||
      file_name.substr(1 + dataset_name.size(), kMetadataSuffix.size()) != kMetadataSuffix ||
      file_name[prefix_len - 1] != '.' || !file_name.ends_with(kTempSuffix)) {
    return false;
  }
  std::string_view hex =
      file_name.substr(prefix_len, file_name.size() - prefix_len - kTempSuffix.size());
  if (hex.empty() || hex.size() > 16) return false;
  for (char c : hex) {
    if (!IsLowerHex(c)) return false;
  }
  return true;
}

std::string LeftoversRecordFileName(std::string_view dataset_name) {
  std::string out = ".";
  out += dataset_name;
  out += kMetadataSuffix;
  out += ".leftovers";
  return out;
}

std::optional<DatasetPaths> DatasetPaths::Make(std::string_view dataset_dir) {
  std::string_view name = BaseName(dataset_dir);
  if (name.empty() || name == "." || name == "..") return std::nullopt;
  DatasetPaths p;
  p.name = std::string(name);
  p.parent = std::string(DirName(dataset_dir));
  p.dir = JoinPath(p.parent, p.name);
  p.metadata = JoinPath(p.parent, MetadataFileName(p.name));
  p.lock = JoinPath(p.parent, LockFileName(p.name));
  p.readers = JoinPath(p.parent, ReaderLockFileName(p.name));
  p.readers_alt = JoinPath(p.parent, AltReaderLockFileName(p.name));
  p.leftovers = JoinPath(p.parent, LeftoversRecordFileName(p.name));
  return p;
}

std::string DatasetPaths::RowGroupFile(uint64_t id) const {
  return JoinPath(dir, RowGroupFileName(id));
}

std::string DatasetPaths::TempMetadata(uint64_t token) const {
  return JoinPath(parent, TempMetadataFileName(name, token));
}

std::string DatasetPaths::ParentDir() const { return parent.empty() ? "." : parent; }

}  // namespace oups::dataset
