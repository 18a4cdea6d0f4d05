#include "cli/input.h"

#include <iostream>
#include <iterator>
#include <optional>

#include "core/strings.h"
#include "emu/emulated_node.h"
#include "env/env.h"
#include "schedule/schedule.h"

namespace migkit::cli {

StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::string text;
  Status s = Env::Default()->ReadFile(path, &text);
  if (!s.ok()) return s;
  return text;
}

bool ParseWait(const std::string& text, std::int64_t* micros) {
  if (text.empty()) {
    *micros = 0;
    return true;
  }
  int plain = 0;
  if (ParseNonNegativeInt(text, &plain)) {
    *micros = plain * kMicros;
    return true;
  }
  std::optional<std::int64_t> d = ParseDuration(text);
  if (!d.has_value()) return false;
  *micros = *d * kMicros;
  return true;
}

std::string BusyDir() { return DefaultStateDir(); }

}  // namespace migkit::cli
