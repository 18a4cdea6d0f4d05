// DeviceFilter: a `device-filter` item, selecting GPUs by PCI device ID and optionally subsystem
// ID.
//
// mig-parted writes a device ID as the 32-bit "0xDDDDVVVV" (device in the high half, vendor 0x10DE
// in the low half), the form GpuModel::pci_device_id holds (mig-facts.md §2). Since mig-parted
// v0.15 an item may add ":0xSSSSVVVV", the subsystem device and vendor, to tell boards with the
// same chip apart (ecosystem.md §2.1). Matching is exact; a filter with a subsystem ID never
// matches a model whose subsystem ID is unknown (0 in the catalog).
#ifndef MIGKIT_CONFIG_DEVICE_FILTER_H_
#define MIGKIT_CONFIG_DEVICE_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/gpu_model.h"
#include "core/status.h"

namespace migkit {

struct DeviceFilter {
  std::uint32_t device_id = 0;                // 0xDDDDVVVV
  std::optional<std::uint32_t> subsystem_id;  // 0xSSSSVVVV, when given

  /// True when a GPU of `model` is selected by this filter.
  bool Matches(const GpuModel& model) const;
  /// "0x233010DE" or "0x233010DE:0x16C110DE" (upper-case hex, as mig-parted prints IDs).
  std::string ToString() const;
  friend bool operator==(const DeviceFilter&, const DeviceFilter&) = default;
};

/// Parses "0xDDDDVVVV" or "0xDDDDVVVV:0xSSSSVVVV" (exactly eight hex digits of either case after
/// a required "0x"). kInvalidArgument says what was expected.
StatusOr<DeviceFilter> ParseDeviceFilter(std::string_view text);

/// "0x233010DE" for a 32-bit PCI ID.
std::string PciIdString(std::uint32_t id);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_DEVICE_FILTER_H_
