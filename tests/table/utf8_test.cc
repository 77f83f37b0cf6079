// UTF-8 validation kernel (kernels.h): RFC 3629 cases, the ASCII fast path,
// sliced columns, nulls, and a check against a byte-by-byte reference.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "oups/table/builder.h"
#include "oups/table/kernels.h"

namespace oups {
namespace {

// Reference decoder: one code point at a time, straight from RFC 3629.
bool ReferenceValid(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    int len;
    uint32_t cp;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(len) > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<uint8_t>(s[i + static_cast<size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

// A string column holding `values` as they are (the column builder refuses
// invalid UTF-8 in string columns): built as binary, then relabelled.
Column RawStrings(const std::vector<std::string>& values) {
  Column bin = ColumnFromVector(DataType::Binary(), values).ValueOrDie();
  return Column(DataType::String(), bin.length(), bin.validity(), bin.values(), bin.offsets(),
                bin.null_count(), bin.offset());
}

TEST(Utf8, KnownCases) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"", true},
      {"plain ascii, long enough for the word-at-a-time path......", true},
      {"caf\xC3\xA9", true},                    // é
      {"\xE2\x82\xAC", true},                   // €
      {"\xF0\x9F\x98\x80", true},               // 😀
      {"\xF4\x8F\xBF\xBF", true},               // U+10FFFF
      {"\xEF\xBF\xBF", true},                   // U+FFFF
      {"\xED\x9F\xBF", true},                   // U+D7FF
      {"\xC3", false},                          // truncated
      {"\xE2\x82", false},                      // truncated
      {"\xF0\x9F\x98", false},                  // truncated
      {"\x80", false},                          // lone continuation
      {"\xC0\xAF", false},                      // overlong '/'
      {"\xC1\xBF", false},                      // overlong
      {"\xE0\x80\xAF", false},                  // overlong
      {"\xF0\x80\x80\xAF", false},              // overlong
      {"\xED\xA0\x80", false},                  // surrogate U+D800
      {"\xED\xBF\xBF", false},                  // surrogate U+DFFF
      {"\xF4\x90\x80\x80", false},              // above U+10FFFF
      {"\xF5\x80\x80\x80", false},
      {"\xFF", false},
      {"abcdefghijklmnop\xE9qrstuvwxyz", false},  // latin-1 é after an ASCII run
      {std::string("a\0b", 3), true},
  };
  for (const auto& [s, valid] : cases) {
    EXPECT_EQ(IsValidUtf8(s), valid) << testing::PrintToString(s);
    EXPECT_EQ(ReferenceValid(s), valid) << testing::PrintToString(s);
  }
}

TEST(Utf8, MatchesTheReferenceOnRandomBytes) {
  std::mt19937_64 rng(11);
  const std::vector<std::string> pieces = {"a", "Z", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                           "\x80", "\xC3", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                           "0123456789abcdef"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (rng() % 4 == 0) {
        s.push_back(static_cast<char>(rng() & 0xFF));
      } else {
        s += pieces[rng() % pieces.size()];
      }
    }
    ASSERT_EQ(IsValidUtf8(s), ReferenceValid(s)) << testing::PrintToString(s);
  }
}

TEST(Utf8, FindInvalidUtf8InAColumn) {
  std::vector<std::string> v(100, "ascii text");
  v[3] = "caf\xC3\xA9";
  Column ok = RawStrings(v);
  EXPECT_EQ(FindInvalidUtf8(ok).ValueOrDie(), -1);
  v[57] = "caf\xE9";
  v[80] = "\xFF";
  Column bad = RawStrings(v);
  EXPECT_EQ(FindInvalidUtf8(bad).ValueOrDie(), 57);
  // Rows of a slice count from the slice's first row.
  EXPECT_EQ(FindInvalidUtf8(bad.Slice(50, 50)).ValueOrDie(), 7);
  EXPECT_EQ(FindInvalidUtf8(bad.Slice(58, 42)).ValueOrDie(), 22);
  EXPECT_EQ(FindInvalidUtf8(bad.Slice(0, 57)).ValueOrDie(), -1);
  // A sequence split over two values is invalid in both.
  Column split = RawStrings({"ok", "\xC3", "\xA9"});
  EXPECT_EQ(FindInvalidUtf8(split).ValueOrDie(), 1);
  EXPECT_EQ(FindInvalidUtf8(bad.Slice(0, 0)).ValueOrDie(), -1);
}

TEST(Utf8, NullSlotsAreSkipped) {
  ColumnBuilder b(DataType::Binary());
  ASSERT_TRUE(b.Append("a").ok());
  ASSERT_TRUE(b.AppendNull().ok());
  ASSERT_TRUE(b.Append("\xC3\xA9").ok());
  ASSERT_TRUE(b.Append("\xC3").ok());
  Column bin = b.Finish().ValueOrDie();
  Column c(DataType::String(), bin.length(), bin.validity(), bin.values(), bin.offsets(),
           bin.null_count(), bin.offset());
  EXPECT_EQ(FindInvalidUtf8(c).ValueOrDie(), 3);
  EXPECT_EQ(FindInvalidUtf8(c.Slice(0, 3)).ValueOrDie(), -1);
}

TEST(Utf8, OnlyStringColumns) {
  Column bin =
      ColumnFromVector(DataType::Binary(), std::vector<std::string>{"\xFF"}).ValueOrDie();
  auto r = FindInvalidUtf8(bin);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsTypeError());
}

}  // namespace
}  // namespace oups
