#include "config/device_filter.h"

#include <cstdio>

namespace migkit {
namespace {

bool ParseHex32(std::string_view s, std::uint32_t* out) {
  if (s.size() != 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
  std::uint32_t v = 0;
  for (char c : s.substr(2)) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    v = v * 16 + static_cast<std::uint32_t>(d);
  }
  *out = v;
  return true;
}

}  // namespace

bool DeviceFilter::Matches(const GpuModel& model) const {
  if (model.pci_device_id != device_id) return false;
  if (subsystem_id.has_value()) {
    return model.pci_subsystem_id != 0 && model.pci_subsystem_id == *subsystem_id;
  }
  return true;
}

std::string PciIdString(std::uint32_t id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", id);
  return buf;
}

std::string DeviceFilter::ToString() const {
  std::string s = PciIdString(device_id);
  if (subsystem_id.has_value()) s += ":" + PciIdString(*subsystem_id);
  return s;
}

StatusOr<DeviceFilter> ParseDeviceFilter(std::string_view text) {
  DeviceFilter f;
  const size_t colon = text.find(':');
  const std::string_view dev = text.substr(0, colon);
  if (!ParseHex32(dev, &f.device_id)) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a PCI device ID; expected 0xDDDDVVVV such as "
                                   "0x233010DE, optionally followed by :0xSSSSVVVV");
  }
  if (colon != std::string_view::npos) {
    std::uint32_t sub = 0;
    if (!ParseHex32(text.substr(colon + 1), &sub)) {
      return Status::InvalidArgument("'" + std::string(text) +
                                     "' has a malformed subsystem ID; expected "
                                     "0xDDDDVVVV:0xSSSSVVVV such as 0x233010DE:0x16C110DE");
    }
    f.subsystem_id = sub;
  }
  return f;
}

}  // namespace migkit
