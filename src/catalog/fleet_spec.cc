#include "catalog/fleet_spec.h"

#include "core/strings.h"

namespace migkit {

std::string ModelCountsToString(const std::vector<std::string_view>& model_ids) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < model_ids.size();) {
    size_t j = i;
    while (j < model_ids.size() && model_ids[j] == model_ids[i]) ++j;
    const size_t n = j - i;
    const std::string id(model_ids[i]);
    parts.push_back(n == 1 ? id : std::to_string(n) + "x" + id);
    i = j;
  }
  return Join(parts, ",");
}

std::string FleetSpec::ToString() const {
  return ModelCountsToString(std::vector<std::string_view>(model_ids.begin(), model_ids.end()));
}

StatusOr<FleetSpec> ParseFleetSpec(std::string_view text, const Catalog& catalog, int max_gpus) {
  // MIGKIT_EMULATE names a node, `migctl plan --fleet` a fleet; their messages keep their wording.
  const bool is_node = max_gpus <= kMaxNodeGpus;
  FleetSpec spec;
  const std::string known = Join(catalog.Ids(), ", ");
  for (const std::string& raw : Split(text, ',')) {
    const std::string item = Trim(raw);
    if (item.empty()) {
      return Status::InvalidArgument(std::string("empty item in ") +
                                     (is_node ? "node spec" : "fleet") + " '" + std::string(text) +
                                     "'; expected MODEL or NxMODEL separated by commas" +
                                     (is_node ? "" : ", e.g. 8xH100-SXM5-80GB,4xA100-SXM4-40GB"));
    }
    int count = 1;
    std::string name = item;
    // "2xA30-24GB": a count prefix. Model names never start with digits followed by 'x'.
    const size_t x = item.find_first_of("xX");
    if (x != std::string::npos && x > 0) {
      int n = 0;
      // All digits is a count, even one too large for an int (not a model name to look up).
      if (item.find_first_not_of("0123456789") >= x) {
        if (!ParseNonNegativeInt(item.substr(0, x), &n) || n < 1 || n > max_gpus) {
          return Status::InvalidArgument("GPU count " + item.substr(0, x) + " in '" + item +
                                         "' must be between 1 and " + std::to_string(max_gpus));
        }
        count = n;
        name = Trim(item.substr(x + 1));
      }
    }
    const GpuModel* model = catalog.Find(name);
    if (model == nullptr) {
      return Status::InvalidArgument("unknown GPU model '" + name + "'" +
                                     (is_node ? "" : " in fleet '" + std::string(text) + "'") +
                                     "; known models: " + known);
    }
    if (!is_node && spec.model_ids.size() + count > static_cast<size_t>(max_gpus)) {
      return Status::InvalidArgument("fleet '" + std::string(text) + "' has more than " +
                                     std::to_string(max_gpus) + " GPUs");
    }
    spec.model_ids.insert(spec.model_ids.end(), count, model->id);
  }
  if (spec.model_ids.size() > static_cast<size_t>(max_gpus)) {
    return Status::InvalidArgument("a node has at most " + std::to_string(max_gpus) + " GPUs; '" +
                                   std::string(text) + "' has " +
                                   std::to_string(spec.model_ids.size()));
  }
  return spec;
}

}  // namespace migkit
