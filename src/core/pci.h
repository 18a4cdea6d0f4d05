// PCI bus IDs: parsed once, numerically, for every place that names a GPU by its address.
//
// NVML prints "00000000:18:00.0" (8-digit domain), sysfs and mig-parted use "0000:18:00.0"
// (4-digit domain; mig-parted passes it to nvmlDeviceGetHandleByPciBusId_v2 and `nvidia-smi -r
// -i`), and nvidia-smi accepts "18:00.0". All name the same GPU, so they are compared as numbers,
// never as text (issue 8 item 5).
#ifndef MIGKIT_CORE_PCI_H_
#define MIGKIT_CORE_PCI_H_

#include <optional>
#include <string>
#include <string_view>

namespace migkit {

struct PciAddress {
  unsigned domain = 0;    // up to 32 bits
  unsigned bus = 0;       // 0..0xFF
  unsigned device = 0;    // 0..0x1F
  unsigned function = 0;  // 0..7
  friend bool operator==(const PciAddress&, const PciAddress&) = default;
};

/// Parses "DOMAIN:BUS:DEVICE.FUNCTION" with a hex domain of 1-8 digits, or "BUS:DEVICE.FUNCTION"
/// (domain 0); hex digits in any case, surrounding blanks ignored, ".FUNCTION" optional (0).
/// nullopt for anything else, or a field out of its range.
std::optional<PciAddress> ParsePciBusId(std::string_view text);

/// NVML's busId: "00000000:18:00.0".
std::string FormatPciBusId(const PciAddress& a);
/// NVML's busIdLegacy and the sysfs name: "0000:18:00.0".
std::string FormatPciBusIdLegacy(const PciAddress& a);

}  // namespace migkit

#endif  // MIGKIT_CORE_PCI_H_
