#include "core/pci.h"

#include <cstdio>
#include <vector>

#include "core/strings.h"

namespace migkit {
namespace {

bool ParseHex(std::string_view h, unsigned long max, unsigned* out) {
  if (h.empty() || h.size() > 8) return false;
  unsigned long value = 0;
  for (char c : h) {
    int digit = -1;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = value * 16 + static_cast<unsigned long>(digit);
  }
  if (value > max) return false;
  *out = static_cast<unsigned>(value);
  return true;
}

}  // namespace

std::optional<PciAddress> ParsePciBusId(std::string_view text) {
  const std::string s = Trim(text);
  const std::vector<std::string> parts = Split(s, ':');
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  PciAddress a;
  size_t i = 0;
  if (parts.size() == 3 && !ParseHex(parts[i++], 0xFFFFFFFFul, &a.domain)) return std::nullopt;
  if (!ParseHex(parts[i++], 0xFFul, &a.bus)) return std::nullopt;
  const std::vector<std::string> dev_fn = Split(parts[i], '.');
  if (dev_fn.size() > 2 || !ParseHex(dev_fn[0], 0x1Ful, &a.device)) return std::nullopt;
  if (dev_fn.size() == 2 && !ParseHex(dev_fn[1], 0x7ul, &a.function)) return std::nullopt;
  return a;
}

std::string FormatPciBusId(const PciAddress& a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X:%02X:%02X.%X", a.domain, a.bus, a.device, a.function);
  return buf;
}

std::string FormatPciBusIdLegacy(const PciAddress& a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04X:%02X:%02X.%X", a.domain & 0xFFFFu, a.bus, a.device,
                a.function);
  return buf;
}

}  // namespace migkit
