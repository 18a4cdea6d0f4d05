#include "slurm/gres_config.h"

#include <string>
#include <vector>

#include "core/strings.h"

namespace migkit::slurm {

GresConfig RenderGresConfig(const std::vector<GresDevice>& devices, GresConfMode mode,
                            const std::string& node_name) {
  const std::vector<GresTypeCount> counts = CountByType(devices);
  std::vector<std::string> gres, weights, tres = {"gres/gpu"};
  for (const GresTypeCount& c : counts) {
    gres.push_back("gpu:" + c.type + ":" + std::to_string(c.count));
    weights.push_back("GRES/gpu:" + c.type + "=" + std::to_string(c.slices));
    tres.push_back("gres/gpu:" + c.type);
  }
  GresConfig config;
  config.node_gres = Join(gres, ",");
  config.billing_weights = Join(weights, ",");
  config.accounting_tres = Join(tres, ",");

  std::string& conf = config.gres_conf;
  conf = "# Written by migctl slurm gres for the node's current MIG layout.\n";
  if (mode == GresConfMode::kAutoDetectNvml) {
    conf += "AutoDetect=nvml\n";
    return config;
  }
  conf += "AutoDetect=off\n";
  const std::string prefix = node_name.empty() ? "" : "NodeName=" + node_name + " ";
  for (const GresDevice& d : devices) {
    // gres.conf(5): MIG devices need MultipleFiles (GPU plus both capabilities); "File" is for
    // one device file.
    conf += prefix + "Name=gpu Type=" + d.type + (d.mig ? " MultipleFiles=" : " File=") +
            Join(d.files, ",") + "\n";
  }
  return config;
}

nlohmann::json GresConfigJson(const GresConfig& config, const std::vector<GresDevice>& devices,
                              GresConfMode mode) {
  nlohmann::json j;
  j["mode"] = mode == GresConfMode::kAutoDetectNvml ? "nvml" : "static";
  j["gres"] = config.node_gres;
  j["gres_conf"] = config.gres_conf;
  j["tres_billing_weights"] = config.billing_weights;
  j["accounting_storage_tres"] = config.accounting_tres;
  nlohmann::json types = nlohmann::json::array();
  for (const GresTypeCount& c : CountByType(devices)) {
    types.push_back({{"type", c.type}, {"count", c.count}, {"slices", c.slices}});
  }
  j["types"] = types;
  nlohmann::json list = nlohmann::json::array();
  for (const GresDevice& d : devices) {
    nlohmann::json e = {{"gpu", d.gpu_index},       {"mig", d.mig},       {"type", d.type},
                        {"nvml_name", d.nvml_name}, {"slices", d.slices}, {"uuid", d.uuid},
                        {"files", d.files}};
    if (d.mig) {
      e["gi"] = d.gi_id;
      e["ci"] = d.ci_id;
    }
    list.push_back(e);
  }
  j["devices"] = list;
  return j;
}

}  // namespace migkit::slurm
