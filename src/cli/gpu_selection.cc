#include "cli/gpu_selection.h"

#include <algorithm>

#include "core/pci.h"
#include "core/strings.h"

namespace migkit::cli {
namespace {

std::string ValidRange(const std::vector<GpuInfo>& gpus) {
  if (gpus.empty()) return "this node has no GPUs";
  if (gpus.size() == 1) return "this node has 1 GPU (valid: 0)";
  return "this node has " + std::to_string(gpus.size()) + " GPUs (valid: 0-" +
         std::to_string(gpus.size() - 1) + ")";
}

// A PCI bus ID matches in any of its forms ("00000000:18:00.0" as NVML prints it, "0000:18:00.0"
// as sysfs and mig-parted give it, "18:00.0"): compared as numbers, parsed as NVML parses them.
bool BusIdMatches(const std::string& wanted, const std::string& bus_id) {
  const std::optional<PciAddress> w = ParsePciBusId(wanted);
  return w.has_value() && w == ParsePciBusId(bus_id);
}

}  // namespace

StatusOr<std::vector<int>> SelectGpus(const std::vector<std::string>& args,
                                      const std::vector<GpuInfo>& gpus) {
  std::vector<int> out;
  if (args.empty()) {
    for (const GpuInfo& g : gpus) out.push_back(g.index);
    return out;
  }
  for (const std::string& arg : args) {
    for (const std::string& raw : Split(arg, ',')) {
      const std::string item = Trim(raw);
      if (item.empty()) {
        return Status::InvalidArgument("empty GPU in '-i " + arg + "'; " + ValidRange(gpus));
      }
      int index = -1;
      if (ParseNonNegativeInt(item, &index)) {
        if (index >= static_cast<int>(gpus.size())) {
          return Status::InvalidArgument("GPU index " + item + " is out of range; " +
                                         ValidRange(gpus));
        }
        out.push_back(index);
        continue;
      }
      auto it = std::find_if(gpus.begin(), gpus.end(), [&](const GpuInfo& g) {
        return EqualsIgnoreCase(g.uuid, item) || BusIdMatches(item, g.pci_bus_id);
      });
      if (it == gpus.end()) {
        return Status::InvalidArgument("no GPU matches '" + item +
                                       "'; give a GPU index, PCI bus ID or UUID (see `migctl "
                                       "gpus`); " +
                                       ValidRange(gpus));
      }
      out.push_back(it->index);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace migkit::cli
