#include "catalog/fleet_spec.h"

#include "core/strings.h"

namespace migkit {

std::string FleetSpec::ToString() const {
  std::vector<std::string> parts;
  for (size_t i = 0; i < model_ids.size();) {
    size_t j = i;
    while (j < model_ids.size() && model_ids[j] == model_ids[i]) ++j;
    const size_t n = j - i;
    parts.push_back(n == 1 ? model_ids[i] : std::to_string(n) + "x" + model_ids[i]);
    i = j;
  }
  return Join(parts, ",");
}

StatusOr<FleetSpec> ParseFleetSpec(std::string_view text, const Catalog& catalog) {
  FleetSpec spec;
  const std::string known = Join(catalog.Ids(), ", ");
  for (const std::string& raw : Split(text, ',')) {
    const std::string item = Trim(raw);
    if (item.empty()) {
      return Status::InvalidArgument("empty item in node spec '" + std::string(text) +
                                     "'; expected MODEL or NxMODEL separated by commas");
    }
    int count = 1;
    std::string name = item;
    // "2xA30-24GB": a count prefix. Model names never start with digits followed by 'x'.
    const size_t x = item.find_first_of("xX");
    if (x != std::string::npos && x > 0) {
      int n = 0;
      // All digits is a count, even one too large for an int (not a model name to look up).
      if (item.find_first_not_of("0123456789") >= x) {
        if (!ParseNonNegativeInt(item.substr(0, x), &n) || n < 1 || n > 64) {
          return Status::InvalidArgument("GPU count " + item.substr(0, x) + " in '" + item +
                                         "' must be between 1 and 64");
        }
        count = n;
        name = Trim(item.substr(x + 1));
      }
    }
    const GpuModel* model = catalog.Find(name);
    if (model == nullptr) {
      return Status::InvalidArgument("unknown GPU model '" + name + "'; known models: " + known);
    }
    for (int i = 0; i < count; ++i) spec.model_ids.push_back(model->id);
  }
  if (spec.model_ids.size() > 64) {
    return Status::InvalidArgument("a node has at most 64 GPUs; '" + std::string(text) + "' has " +
                                   std::to_string(spec.model_ids.size()));
  }
  return spec;
}

}  // namespace migkit
