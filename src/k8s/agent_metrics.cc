#include "k8s/agent_metrics.h"

#include <fmt/format.h>

#include "config/mig_profile.h"

namespace migkit {

void AgentMetrics::RecordApply(const std::string& config, bool success, std::int64_t micros,
                               std::int64_t now_micros, const std::vector<GpuInfo>& gpus) {
  std::map<std::pair<int, std::string>, int> instances;
  for (const GpuInfo& gpu : gpus) {
    for (const GpuInstance& gi : gpu.state.gpu_instances) {
      const GiProfile* profile = gpu.model->FindProfileById(gi.profile_id);
      if (profile == nullptr) continue;
      for (const ComputeInstance& ci : gi.compute_instances) {
        ++instances[{gpu.index, FormatMigDevice(*gpu.model, *profile, ci.profile_id)}];
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_config_ = config;
  last_success_ = success ? 1 : 0;
  last_duration_seconds_ = static_cast<double>(micros) / 1e6;
  last_timestamp_seconds_ = static_cast<double>(now_micros) / 1e6;
  ++applies_[success ? "success" : "failed"];
  if (!gpus.empty()) instances_ = std::move(instances);
}

std::string AgentMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP migkit_mig_config_applies_total MIG config changes by result.\n";
  out += "# TYPE migkit_mig_config_applies_total counter\n";
  for (const char* result : {"success", "failed"}) {
    const auto it = applies_.find(result);
    out += fmt::format("migkit_mig_config_applies_total{{result=\"{}\"}} {}\n", result,
                       it == applies_.end() ? 0 : it->second);
  }
  if (last_success_ >= 0) {
    out += "# HELP migkit_mig_config_last_success 1 when the last change succeeded, else 0.\n";
    out += "# TYPE migkit_mig_config_last_success gauge\n";
    out += fmt::format("migkit_mig_config_last_success{{config=\"{}\"}} {}\n", last_config_,
                       last_success_);
    out += "# HELP migkit_mig_config_last_duration_seconds How long the last change took.\n";
    out += "# TYPE migkit_mig_config_last_duration_seconds gauge\n";
    out += fmt::format("migkit_mig_config_last_duration_seconds {:.6f}\n", last_duration_seconds_);
    out += "# HELP migkit_mig_config_last_timestamp_seconds When the last change ended.\n";
    out += "# TYPE migkit_mig_config_last_timestamp_seconds gauge\n";
    out +=
        fmt::format("migkit_mig_config_last_timestamp_seconds {:.3f}\n", last_timestamp_seconds_);
  }
  out += "# HELP migkit_mig_devices MIG devices per GPU and profile after the last change.\n";
  out += "# TYPE migkit_mig_devices gauge\n";
  for (const auto& [key, count] : instances_) {
    out += fmt::format("migkit_mig_devices{{gpu=\"{}\",profile=\"{}\"}} {}\n", key.first,
                       key.second, count);
  }
  return out;
}

}  // namespace migkit
