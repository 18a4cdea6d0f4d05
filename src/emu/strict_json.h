// Strict field readers for migkit's own JSON files (node.json, checkpoints).
//
// nlohmann's get<int>() converts whatever it finds: 4294967298 becomes 2, 2.9 becomes 2, true
// becomes 1, and iterating null yields nothing. A state file that says any of these was not written
// by migkit, so these readers accept exactly the JSON type asked for, within its range, and throw
// JsonDefect (caught by the parser, which adds the file's path) otherwise.
#ifndef MIGKIT_EMU_STRICT_JSON_H_
#define MIGKIT_EMU_STRICT_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace migkit::strict_json {

/// What is wrong, naming the field ("GPU 0: gpu_instances[1].id is 2.9; expected ...").
struct JsonDefect : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The JSON type of `v` as a person would say it.
inline std::string TypeOf(const nlohmann::json& v) {
  if (v.is_number_integer()) return "the integer " + v.dump();
  if (v.is_number_float()) return "the number " + v.dump();
  if (v.is_boolean()) return std::string("the boolean ") + (v.get<bool>() ? "true" : "false");
  if (v.is_null()) return "null";
  return std::string("a ") + v.type_name();
}

/// obj[key]; `obj` must be an object holding `key`.
inline const nlohmann::json& Field(const nlohmann::json& obj, std::string_view key,
                                   const std::string& where) {
  if (!obj.is_object()) throw JsonDefect(where + " is " + TypeOf(obj) + ", not an object");
  auto it = obj.find(key);
  if (it == obj.end()) throw JsonDefect(where + " has no \"" + std::string(key) + "\"");
  return *it;
}

/// An integer from `min` to `max`: not a float (even 2.0), not a boolean, not out of range.
inline std::int64_t Int(const nlohmann::json& obj, std::string_view key, std::int64_t min,
                        std::int64_t max, const std::string& where) {
  const nlohmann::json& v = Field(obj, key, where);
  bool in_range = false;
  if (v.is_number_unsigned()) {
    in_range = v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) && min <= max &&
               (min <= 0 || v.get<std::uint64_t>() >= static_cast<std::uint64_t>(min));
  } else if (v.is_number_integer()) {
    in_range = v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
  }
  if (!in_range) {
    throw JsonDefect(where + ": \"" + std::string(key) + "\" is " + TypeOf(v) +
                     "; expected an integer from " + std::to_string(min) + " to " +
                     std::to_string(max));
  }
  return v.is_number_unsigned() ? static_cast<std::int64_t>(v.get<std::uint64_t>())
                                : v.get<std::int64_t>();
}

inline bool Bool(const nlohmann::json& obj, std::string_view key, const std::string& where) {
  const nlohmann::json& v = Field(obj, key, where);
  if (!v.is_boolean()) {
    throw JsonDefect(where + ": \"" + std::string(key) + "\" is " + TypeOf(v) +
                     "; expected true or false");
  }
  return v.get<bool>();
}

/// True when `s` holds a control character: C0, DEL, or C1 in UTF-8 (U+0080-U+009F, which
/// includes the 8-bit CSI that starts a terminal escape sequence).
inline bool HasControlCharacter(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

/// A string without control characters (strings from these files reach terminals).
inline std::string String(const nlohmann::json& obj, std::string_view key, const std::string& where,
                          bool allow_empty = true) {
  const nlohmann::json& v = Field(obj, key, where);
  if (!v.is_string()) {
    throw JsonDefect(where + ": \"" + std::string(key) + "\" is " + TypeOf(v) +
                     "; expected a string");
  }
  const std::string& s = v.get_ref<const std::string&>();
  if (HasControlCharacter(s)) {
    throw JsonDefect(where + ": \"" + std::string(key) + "\" contains a control character");
  }
  if (!allow_empty && s.empty()) {
    throw JsonDefect(where + ": \"" + std::string(key) + "\" is empty");
  }
  return s;
}

/// An array (null is not an empty array).
inline const nlohmann::json& Array(const nlohmann::json& obj, std::string_view key,
                                   const std::string& where) {
  const nlohmann::json& v = Field(obj, key, where);
  if (!v.is_array()) {
    throw JsonDefect(where + ": \"" + std::string(key) + "\" is " + TypeOf(v) +
                     "; expected an array");
  }
  return v;
}

}  // namespace migkit::strict_json

#endif  // MIGKIT_EMU_STRICT_JSON_H_
