#include "deviceplugin/preferred_allocation.h"

#include <algorithm>
#include <map>
#include <set>

namespace migkit {

std::vector<std::string> PreferredAllocation(const std::vector<PluginDevice>& devices,
                                             const std::vector<std::string>& available,
                                             const std::vector<std::string>& must_include,
                                             int size) {
  const std::set<std::string> offered(available.begin(), available.end());
  const std::set<std::string> required(must_include.begin(), must_include.end());
  std::vector<std::string> chosen;
  std::set<int> required_gpus;
  // GPU index -> its available devices that are not already chosen, in device order.
  std::map<int, std::vector<std::string>> free_by_gpu;
  for (const PluginDevice& d : devices) {
    if (required.count(d.id) != 0) {
      chosen.push_back(d.id);
      required_gpus.insert(d.gpu);
    } else if (offered.count(d.id) != 0) {
      free_by_gpu[d.gpu].push_back(d.id);
    }
  }
  std::vector<int> order;
  for (const auto& [gpu, ids] : free_by_gpu) order.push_back(gpu);
  // Taking the GPUs with the most free devices first reaches `size` with the fewest GPUs.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const bool ra = required_gpus.count(a) != 0;
    const bool rb = required_gpus.count(b) != 0;
    if (ra != rb) return ra;
    return free_by_gpu[a].size() > free_by_gpu[b].size();
  });
  for (int gpu : order) {
    for (const std::string& id : free_by_gpu[gpu]) {
      if (static_cast<int>(chosen.size()) >= size) return chosen;
      chosen.push_back(id);
    }
  }
  return chosen;
}

}  // namespace migkit
