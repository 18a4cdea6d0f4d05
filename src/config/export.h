// Export: a node's current layout written in the config format, so that it can be applied again
// (`migctl export > f.yaml; migctl apply -f f.yaml -c current`) or asserted.
//
// GPUs with identical MIG devices share an entry: one entry with `devices: all` when every GPU is
// alike, else one entry per group with its indexes. Placements are not part of the format; use a
// checkpoint (reconfig/checkpoint.h) to keep them.
#ifndef MIGKIT_CONFIG_EXPORT_H_
#define MIGKIT_CONFIG_EXPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"

namespace migkit {

/// One group of GPUs with the same layout.
struct ExportedEntry {
  std::vector<int> devices;  // GPU indexes, ascending
  bool all_devices = false;  // the group is every GPU of the node
  bool mig_enabled = false;
  std::vector<std::pair<std::string, int>> mig_devices;  // canonical name -> count, smallest first
  /// GIs that hold no compute instance cannot be written in the format; one line per such GI
  /// ("GPU 0: GPU instance 3 (2g.20gb) holds no compute instance").
  std::vector<std::string> warnings;
};

/// Groups `gpus` by layout, in order of their lowest index.
std::vector<ExportedEntry> ExportEntries(const std::vector<GpuInfo>& gpus);

/// The YAML text of a config file holding one config named `name` with `entries`. Warnings become
/// comments above the entry they concern.
std::string ExportYaml(const std::vector<ExportedEntry>& entries, std::string_view name);

/// The same file as JSON (mig-parted's `export -o json`).
std::string ExportJson(const std::vector<ExportedEntry>& entries, std::string_view name);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_EXPORT_H_
