#include "k8s/mig_manager_labels.h"

namespace migkit {

const std::vector<std::string>& OperandDeployLabels() {
  static const std::vector<std::string> labels = {
      "nvidia.com/gpu.deploy.device-plugin", "nvidia.com/gpu.deploy.gpu-feature-discovery",
      "nvidia.com/gpu.deploy.dcgm-exporter", "nvidia.com/gpu.deploy.dcgm",
      "nvidia.com/gpu.deploy.nvsm",          "nvidia.com/gpu.deploy.client"};
  return labels;
}

Labels NodeLabels(const nlohmann::json& node) {
  Labels out;
  if (!node.contains("metadata") || !node["metadata"].contains("labels")) return out;
  for (const auto& [key, value] : node["metadata"]["labels"].items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

Labels PausedOperands(const Labels& labels) {
  Labels out;
  for (const std::string& name : OperandDeployLabels()) {
    const auto it = labels.find(name);
    if (it != labels.end() && it->second != "false") out[name] = kPausedForMigChange;
  }
  return out;
}

Labels RestoredOperands(const Labels& before, const Labels& paused) {
  Labels out;
  for (const auto& [name, value] : paused) {
    const auto it = before.find(name);
    // A label the agent itself left paused (it died mid-change) goes back to "true".
    out[name] = it == before.end() || it->second == kPausedForMigChange ? "true" : it->second;
  }
  return out;
}

nlohmann::json MetadataPatch(const std::map<std::string, nlohmann::json>& labels,
                             const std::map<std::string, nlohmann::json>& annotations) {
  nlohmann::json metadata = nlohmann::json::object();
  if (!labels.empty()) metadata["labels"] = labels;
  if (!annotations.empty()) metadata["annotations"] = annotations;
  return {{"metadata", metadata}};
}

}  // namespace migkit
