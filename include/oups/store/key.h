// Typed indexer keys: a plain struct plus one OUPS_KEY line
// (docs/behaviour.md#keys).
//
//   struct CityYear {
//     std::string city;
//     int64_t year;
//   };
//   OUPS_KEY(CityYear, city, year);                 // separator "-"
//
//   struct Sampling { std::string frequency; };
//   OUPS_SUBLEVEL(Sampling, frequency);             // same as OUPS_KEY
//   struct Measure {
//     std::string quantity;
//     std::string city;
//     Sampling sampling;                            // sub-level: last member
//   };
//   OUPS_KEY_SEP(Measure, "_", quantity, city, sampling);   // separator "_"
//
// OUPS_KEY(Type, members...) / OUPS_KEY_SEP(Type, "sep", members...) go at
// namespace scope, in the namespace of Type, after its definition. They list
// every data member of Type in declaration order (checked for aggregates:
// the count must match). Members are std::string, integers that fit in int64
// (not bool nor character types), or one trailing sub-level member whose type
// has its own OUPS_KEY / OUPS_SUBLEVEL (never the first member). These rules
// and the separator (non-empty, without '/') are checked at compile time. As in
// docs/behaviour.md#keys, the top type's separator applies to every nested
// level; a sub-level's own separator is ignored.
//
// The macro also defines operator== and operator<=> for Type (field by field,
// strings by code point, integers numerically, docs/behaviour.md#key-ordering);
// Type must not declare them itself. Use oups::KeyHash for unordered
// containers.
//
// oups::KeyTraits<Type> gives the runtime IndexerSchema, conversions to and
// from IndexKey, path and string forms and strict parsing. Field values are
// not validated when a struct is built (it is a plain struct): every
// conversion validates (docs/behaviour.md#keys) and returns the error, and
// ValidateKey() checks explicitly.
//
// Thread-safety: all functions are reentrant; Schema() is built once, thread-
// safely, on first use. Ownership: everything is returned by value.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "oups/result.h"
#include "oups/status.h"
#include "oups/store/indexer.h"

namespace oups {

// Tag used to find a key type's descriptor by argument-dependent lookup.
template <typename T>
struct KeyTag {
  using type = T;
};

namespace key_internal {

template <typename T, typename M>
struct Member {
  const char* name;
  M T::*ptr;
  using type = M;
};

template <typename T, typename M>
constexpr Member<T, M> MakeMember(const char* name, M T::*ptr) {
  return Member<T, M>{name, ptr};
}

template <typename T, typename... M>
struct Descriptor {
  const char* name;
  const char* sep;
  std::tuple<Member<T, M>...> members;
  static constexpr std::size_t kSize = sizeof...(M);
};

template <typename T, typename... M>
constexpr Descriptor<T, M...> MakeDescriptor(const char* name, const char* sep,
                                             Member<T, M>... members) {
  return Descriptor<T, M...>{name, sep, std::tuple<Member<T, M>...>(members...)};
}

// Poison pill so that the unqualified call below only finds, by ADL, the
// function the OUPS_KEY macro defines next to the user's type.
void OupsKeyDescribe() = delete;

template <typename T>
concept HasDescriptor = requires {
  OupsKeyDescribe(KeyTag<T>{});
};

template <typename T>
constexpr auto DescriptorOf() {
  return OupsKeyDescribe(KeyTag<T>{});
}

template <typename M>
inline constexpr bool kIsCharType =
    std::is_same_v<M, char> || std::is_same_v<M, wchar_t> || std::is_same_v<M, char8_t> ||
    std::is_same_v<M, char16_t> || std::is_same_v<M, char32_t>;

template <typename M>
inline constexpr bool kIsIntField =
    std::is_integral_v<M> && !std::is_const_v<M> && !std::is_same_v<M, bool> &&
    !kIsCharType<M> && (std::is_signed_v<M> ? sizeof(M) <= 8 : sizeof(M) < 8);

template <typename M>
inline constexpr bool kIsStringField = std::is_same_v<M, std::string>;

template <typename M>
inline constexpr bool kIsSubLevelField = !std::is_const_v<M> && HasDescriptor<M>;

// Number of members of an aggregate (largest N such that T{x1..xN} compiles
// with convertible-to-anything initialisers).
struct AnyInit {
  template <typename U>
  operator U() const;  // NOLINT: declared only, used in unevaluated contexts
};

template <typename T, std::size_t... I>
constexpr bool BraceInitializableWith(std::index_sequence<I...>) {
  return requires { T{((void)I, AnyInit{})...}; };
}

template <typename T, std::size_t N = 0>
constexpr std::size_t AggregateMemberCount() {
  if constexpr (N > 64) {
    return N;
  } else if constexpr (!BraceInitializableWith<T>(std::make_index_sequence<N + 1>{})) {
    return N;
  } else {
    return AggregateMemberCount<T, N + 1>();
  }
}

constexpr bool IsValidSep(const char* sep) {
  if (sep == nullptr || sep[0] == '\0') return false;
  for (const char* p = sep; *p != '\0'; ++p) {
    if (*p == '/') return false;
  }
  return true;
}

template <typename D, std::size_t I>
constexpr bool CheckMember() {
  using M = typename std::tuple_element_t<I, decltype(D::members)>::type;
  static_assert(kIsIntField<M> || kIsStringField<M> || kIsSubLevelField<M>,
                "OUPS_KEY: field type not possible (std::string, an integer that fits in "
                "int64, or a trailing OUPS_KEY/OUPS_SUBLEVEL struct).");
  if constexpr (kIsSubLevelField<M>) {
    static_assert(I != 0,
                  "OUPS_KEY: a dataclass instance cannot be the only field of a level (a "
                  "sub-level member cannot come first).");
    static_assert(I + 1 == D::kSize,
                  "OUPS_KEY: a dataclass instance is only possible in last position (a "
                  "sub-level member must be the last).");
  }
  return true;
}

template <typename D, std::size_t... I>
constexpr bool CheckMembers(std::index_sequence<I...>) {
  return (CheckMember<D, I>() && ...);
}

template <typename T>
constexpr bool CheckKey() {
  using D = decltype(DescriptorOf<T>());
  static_assert(D::kSize > 0, "OUPS_KEY: a level must have at least one field.");
  static_assert(IsValidSep(DescriptorOf<T>().sep),
                "OUPS_KEY_SEP: the separator must be a non-empty string without '/'.");
  static_assert(CheckMembers<D>(std::make_index_sequence<D::kSize>{}));
  if constexpr (std::is_aggregate_v<T>) {
    static_assert(
        AggregateMemberCount<T>() == D::kSize,
        "OUPS_KEY: list every data member of the struct, in declaration order.");
  }
  return true;
}

}  // namespace key_internal

// Satisfied by types declared with OUPS_KEY / OUPS_KEY_SEP / OUPS_SUBLEVEL.
template <typename T>
concept IndexerKey = key_internal::HasDescriptor<T>;

template <IndexerKey T>
struct KeyTraits {
 private:
  static constexpr auto kDesc = key_internal::DescriptorOf<T>();
  using Members = decltype(kDesc.members);
  static constexpr std::size_t kSize = std::tuple_size_v<Members>;
  template <std::size_t I>
  using MemberType = typename std::tuple_element_t<I, Members>::type;
  using LastType = MemberType<kSize - 1>;
  static constexpr bool kHasSubLevel = key_internal::kIsSubLevelField<LastType>;

 public:
  // Record name (the type name as written in the macro) and separator.
  static constexpr const char* kName = kDesc.name;
  static constexpr const char* kFieldSep = kDesc.sep;
  // Number of levels including this one (`depth` of
  // docs/behaviour.md#key-paths).
  static constexpr int kDepth = [] {
    if constexpr (kHasSubLevel) {
      return 1 + KeyTraits<LastType>::kDepth;
    } else {
      return 1;
    }
  }();
  // Own fields over every level (pieces of the flat string).
  static constexpr int kNumFields = [] {
    if constexpr (kHasSubLevel) {
      return static_cast<int>(kSize) - 1 + KeyTraits<LastType>::kNumFields;
    } else {
      return static_cast<int>(kSize);
    }
  }();

  // The runtime schema of T (built once; T's separator at every level).
  static const IndexerSchema& Schema() {
    static const IndexerSchema schema = [] {
      Result<IndexerSchema> r = IndexerSchema::Make(kDesc.name, FieldSpecs(), kDesc.sep);
      if (!r.ok()) {  // unreachable: the macro checked everything at compile time
        std::fprintf(stderr, "oups: invalid OUPS_KEY %s: %s\n", kDesc.name,
                     r.status().ToString().c_str());
        std::abort();
      }
      return std::move(r).ValueOrDie();
    }();
    return schema;
  }

  // The sub-level part of Schema(): T's fields, nested records included.
  static std::vector<FieldSpec> FieldSpecs() {
    std::vector<FieldSpec> out;
    ForEachMember([&]<std::size_t I>(const auto& m) {
      using M = MemberType<I>;
      if constexpr (key_internal::kIsStringField<M>) {
        out.push_back(FieldSpec::String(m.name));
      } else if constexpr (key_internal::kIsIntField<M>) {
        out.push_back(FieldSpec::Int64(m.name));
      } else {
        out.push_back(
            FieldSpec::SubLevel(m.name, KeyTraits<M>::kName, KeyTraits<M>::FieldSpecs()));
      }
    });
    return out;
  }

  // Appends the own field values of every level, in order.
  static void AppendValues(const T& key, std::vector<KeyValue>* out) {
    ForEachMember([&]<std::size_t I>(const auto& m) {
      using M = MemberType<I>;
      const M& v = key.*(m.ptr);
      if constexpr (key_internal::kIsStringField<M>) {
        out->emplace_back(v);
      } else if constexpr (key_internal::kIsIntField<M>) {
        out->emplace_back(static_cast<std::int64_t>(v));
      } else {
        KeyTraits<M>::AppendValues(v, out);
      }
    });
  }

  // Validates (docs/behaviour.md#keys) and converts.
  static Result<IndexKey> ToKey(const T& key) {
    std::vector<KeyValue> values;
    values.reserve(static_cast<std::size_t>(kNumFields));
    AppendValues(key, &values);
    return Schema().MakeKeyFlat(std::move(values));
  }

  // kTypeError when `key` is of another schema (a structurally identical
  // runtime schema is accepted); kInvalidArgument when an integer does not fit
  // in its member type.
  static Result<T> FromKey(const IndexKey& key) {
    OUPS_RETURN_NOT_OK(Schema().CheckKey(key));
    T out{};
    std::size_t i = 0;
    OUPS_RETURN_NOT_OK(Assign(key.values(), &i, &out));
    return out;
  }

  static Status Validate(const T& key) { return ToKey(key).status(); }

  static Result<std::string> ToPath(const T& key) {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, ToKey(key));
    return k.ToPath();
  }
  static Result<std::string> ToString(const T& key) {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, ToKey(key));
    return k.ToString();
  }
  static Result<T> FromPath(std::string_view relative_path) {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, Schema().FromPath(relative_path));
    return FromKey(k);
  }
  static Result<T> FromString(std::string_view text) {
    OUPS_ASSIGN_OR_RETURN(IndexKey k, Schema().FromString(text));
    return FromKey(k);
  }

  static bool Equal(const T& a, const T& b) { return Compare(a, b) == 0; }

  static std::strong_ordering Compare(const T& a, const T& b) {
    std::strong_ordering result = std::strong_ordering::equal;
    ForEachMember([&]<std::size_t I>(const auto& m) {
      using M = MemberType<I>;
      if (result != 0) return;
      const M& x = a.*(m.ptr);
      const M& y = b.*(m.ptr);
      if constexpr (key_internal::kIsStringField<M>) {
        const int c = x.compare(y);  // unsigned bytes: code-point order for UTF-8
        result =
            c < 0 ? std::strong_ordering::less
                  : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
      } else if constexpr (key_internal::kIsIntField<M>) {
        result = x <=> y;
      } else {
        result = KeyTraits<M>::Compare(x, y);
      }
    });
    return result;
  }

  // Equals ToKey(key)->Hash() for valid keys.
  static std::size_t Hash(const T& key) { return HashInto(key_internal::kHashSeed, key); }

  static std::size_t HashInto(std::size_t h, const T& key) {
    ForEachMember([&]<std::size_t I>(const auto& m) {
      using M = MemberType<I>;
      const M& v = key.*(m.ptr);
      if constexpr (key_internal::kIsStringField<M>) {
        h = key_internal::HashStep(h, key_internal::HashValue(std::string_view(v)));
      } else if constexpr (key_internal::kIsIntField<M>) {
        h = key_internal::HashStep(h,
                                   key_internal::HashValue(static_cast<std::int64_t>(v)));
      } else {
        h = KeyTraits<M>::HashInto(h, v);
      }
    });
    return h;
  }

  // Fills `out` from flat values starting at *i (used by FromKey).
  static Status Assign(const std::vector<KeyValue>& values, std::size_t* i, T* out) {
    Status st;
    ForEachMember([&]<std::size_t I>(const auto& m) {
      using M = MemberType<I>;
      if (!st.ok()) return;
      M& dst = out->*(m.ptr);
      if constexpr (key_internal::kIsSubLevelField<M>) {
        st = KeyTraits<M>::Assign(values, i, &dst);
      } else if constexpr (key_internal::kIsStringField<M>) {
        dst = std::get<std::string>(values[(*i)++]);
      } else {
        const std::int64_t x = std::get<std::int64_t>(values[(*i)++]);
        if (!std::in_range<M>(x)) {
          st = Status::InvalidArgument("value " + std::to_string(x) + " of field '" +
                                       m.name + "' of '" + kDesc.name +
                                       "' does not fit in its C++ type.");
          return;
        }
        dst = static_cast<M>(x);
      }
    });
    return st;
  }

 private:
  // Calls f.template operator()<I>(member_descriptor) for each member in order.
  template <typename F>
  static void ForEachMember(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f.template operator()<I>(std::get<I>(kDesc.members)), ...);
    }
    (std::make_index_sequence<kSize>{});
  }
};

// Free-function spellings of KeyTraits (T deduced where possible).
template <IndexerKey T>
Result<IndexKey> ToKey(const T& key) {
  return KeyTraits<T>::ToKey(key);
}
template <IndexerKey T>
Result<T> FromKey(const IndexKey& key) {
  return KeyTraits<T>::FromKey(key);
}
template <IndexerKey T>
Status ValidateKey(const T& key) {
  return KeyTraits<T>::Validate(key);
}
template <IndexerKey T>
Result<std::string> ToPath(const T& key) {
  return KeyTraits<T>::ToPath(key);
}
template <IndexerKey T>
Result<std::string> ToString(const T& key) {
  return KeyTraits<T>::ToString(key);
}
template <IndexerKey T>
Result<T> FromPath(std::string_view relative_path) {
  return KeyTraits<T>::FromPath(relative_path);
}
template <IndexerKey T>
Result<T> FromString(std::string_view text) {
  return KeyTraits<T>::FromString(text);
}

// Hash functor for typed keys and IndexKey:
// std::unordered_map<CityYear, V, oups::KeyHash>.
struct KeyHash {
  template <IndexerKey T>
  std::size_t operator()(const T& key) const {
    return KeyTraits<T>::Hash(key);
  }
  std::size_t operator()(const IndexKey& key) const { return key.Hash(); }
};

}  // namespace oups

// ---------------------------------------------------------------- macros

// OUPS_KEY_FOR_EACH(macro, ctx, a, b, c) → macro(ctx, a) macro(ctx, b) macro(ctx, c)
// (up to 256 arguments).
#define OUPS_KEY_PARENS_ ()
#define OUPS_KEY_EXPAND_(...) \
  OUPS_KEY_EXPAND4_(OUPS_KEY_EXPAND4_(OUPS_KEY_EXPAND4_(OUPS_KEY_EXPAND4_(__VA_ARGS__))))
#define OUPS_KEY_EXPAND4_(...) \
  OUPS_KEY_EXPAND3_(OUPS_KEY_EXPAND3_(OUPS_KEY_EXPAND3_(OUPS_KEY_EXPAND3_(__VA_ARGS__))))
#define OUPS_KEY_EXPAND3_(...) \
  OUPS_KEY_EXPAND2_(OUPS_KEY_EXPAND2_(OUPS_KEY_EXPAND2_(OUPS_KEY_EXPAND2_(__VA_ARGS__))))
#define OUPS_KEY_EXPAND2_(...) \
  OUPS_KEY_EXPAND1_(OUPS_KEY_EXPAND1_(OUPS_KEY_EXPAND1_(OUPS_KEY_EXPAND1_(__VA_ARGS__))))
#define OUPS_KEY_EXPAND1_(...) __VA_ARGS__
#define OUPS_KEY_FOR_EACH(macro, ctx, ...) \
  __VA_OPT__(OUPS_KEY_EXPAND_(OUPS_KEY_FOR_EACH_HELPER_(macro, ctx, __VA_ARGS__)))
#define OUPS_KEY_FOR_EACH_HELPER_(macro, ctx, a1, ...) \
  macro(ctx, a1)                                       \
      __VA_OPT__(OUPS_KEY_FOR_EACH_AGAIN_ OUPS_KEY_PARENS_(macro, ctx, __VA_ARGS__))
#define OUPS_KEY_FOR_EACH_AGAIN_() OUPS_KEY_FOR_EACH_HELPER_

#define OUPS_KEY_MEMBER_(Type, m) , ::oups::key_internal::MakeMember(#m, &Type::m)

// Declares `Type` (defined just before, same namespace) as an indexer key whose
// fields are the listed members, with separator `sep` (a string literal).
#define OUPS_KEY_SEP(Type, sep, ...)                                          \
  [[maybe_unused]] constexpr auto OupsKeyDescribe(::oups::KeyTag<Type>) {     \
    return ::oups::key_internal::MakeDescriptor<Type>(                        \
        #Type, sep OUPS_KEY_FOR_EACH(OUPS_KEY_MEMBER_, Type, __VA_ARGS__));   \
  }                                                                           \
  static_assert(::oups::key_internal::CheckKey<Type>());                      \
  [[maybe_unused]] inline bool operator==(const Type& a, const Type& b) {     \
    return ::oups::KeyTraits<Type>::Equal(a, b);                              \
  }                                                                           \
  [[maybe_unused]] inline ::std::strong_ordering operator<=>(const Type& a,   \
                                                             const Type& b) { \
    return ::oups::KeyTraits<Type>::Compare(a, b);                            \
  }                                                                           \
  static_assert(true, "")

// Same with the default separator "-".
#define OUPS_KEY(Type, ...) OUPS_KEY_SEP(Type, "-", __VA_ARGS__)

// A record used as a sub-level (Python's @sublevel): same as OUPS_KEY; its
// separator is never used, the top-level key's applies.
#define OUPS_SUBLEVEL(Type, ...) OUPS_KEY_SEP(Type, "-", __VA_ARGS__)
