// Small string helpers shared by every layer (case folding, trimming, splitting, joining).
#ifndef MIGKIT_CORE_STRINGS_H_
#define MIGKIT_CORE_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace migkit {

std::string ToLower(std::string_view s);
std::string Trim(std::string_view s);
/// Splits on `sep`; keeps empty fields ("a,,b" -> {"a", "", "b"}).
std::vector<std::string> Split(std::string_view s, char sep);
/// Joins the items' string forms with `sep`.
std::string Join(const std::vector<std::string>& items, std::string_view sep);
std::string Join(const std::vector<int>& items, std::string_view sep);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
/// Parses a whole non-negative decimal integer; false on anything else (sign, spaces, overflow).
bool ParseNonNegativeInt(std::string_view s, int* out);

}  // namespace migkit

#endif  // MIGKIT_CORE_STRINGS_H_
