// MigConfigFile: the declarative layout file operators already write for NVIDIA's mig-parted and
// the GPU operator (`version: v1`, `mig-configs`), parsed with the line of every value kept.
//
// The format (docs/configs.md; ecosystem.md §2.1):
//
//   version: v1
//   mig-configs:
//     all-balanced:                      # a config name; a config is a list of entries
//       - device-filter: ["0x233010DE"]  # optional: PCI IDs "0xDDDDVVVV[:0xSSSSVVVV]"
//         devices: all                   # required: "all" or a list of GPU indexes
//         mig-enabled: true              # required
//         mig-devices:                   # required when enabled (may be {}), empty when disabled
//           "1g.10gb": 2                 # profile -> number of MIG devices
//           "2g.20gb": 1
//
// Parsing checks only what can be checked without knowing the GPUs: YAML syntax, keys, types, the
// profile-name grammar and the counts. Whether a profile exists on a GPU model and whether a layout
// fits is checked by ResolveConfig (resolve.h) against the node's GPUs. Every error is
// "<source>:<line>: <what is wrong>, <what was found>, <what is valid>".
//
// Thread-safety: the types are plain values.
#ifndef MIGKIT_CONFIG_MIG_CONFIG_H_
#define MIGKIT_CONFIG_MIG_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "config/device_filter.h"
#include "config/mig_profile.h"
#include "core/status.h"

namespace migkit {

/// One `mig-devices` item: "<profile>: <count>".
struct ProfileCount {
  MigProfileName profile;  // the parsed key
  int count = 0;           // >= 0
  int line = 0;            // 1-based line of the key
};

/// One entry of a named config: which GPUs it selects and what they should hold.
struct MigConfigEntry {
  int line = 0;              // line of the entry's first key
  bool all_devices = false;  // `devices: all`
  std::vector<int> devices;  // `devices: [0, 2]` (when !all_devices)
  int devices_line = 0;
  std::vector<DeviceFilter> device_filter;  // empty: every model
  int device_filter_line = 0;
  bool mig_enabled = false;
  std::vector<ProfileCount> mig_devices;  // in file order; keys are unique
  int mig_devices_line = 0;
};

struct NamedMigConfig {
  std::string name;
  int line = 0;                         // line of the name
  std::vector<MigConfigEntry> entries;  // never empty
};

struct MigConfigFile {
  std::string source;                   // file name used in errors ("config.yaml", "<built-in>")
  std::vector<NamedMigConfig> configs;  // in file order; names are unique

  /// The config named `name`, or nullptr.
  const NamedMigConfig* Find(std::string_view name) const;
  /// The config names, in file order.
  std::vector<std::string> Names() const;
};

/// Parses a config file. `source` names the input in errors. Errors are kParseError, e.g.
/// "config.yaml:7: unknown key 'mig-device' in an entry of 'all-1g'; valid keys: devices,
/// device-filter, mig-enabled, mig-devices".
StatusOr<MigConfigFile> ParseMigConfigFile(std::string_view text, std::string_view source);

/// Selects config `name` from `file`. With an empty `name` and exactly one config in the file, that
/// config (as mig-parted does). kNotFound lists the names the file has.
StatusOr<const NamedMigConfig*> SelectConfig(const MigConfigFile& file, std::string_view name);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_MIG_CONFIG_H_
