// The agent's Prometheus metrics: the last apply's result and duration, applies by result, and
// the MIG devices per GPU and profile after the last apply. Rendered in the text exposition
// format (version 0.0.4).
//
// Thread-safety: every method may be called from any thread (the agent writes, /metrics reads).
#ifndef MIGKIT_K8S_AGENT_METRICS_H_
#define MIGKIT_K8S_AGENT_METRICS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"

namespace migkit {

class AgentMetrics {
 public:
  /// Records an apply of `config` that ended in `success` (or not) after `micros`, on a node
  /// that then looked like `gpus` (empty when it could not be read).
  void RecordApply(const std::string& config, bool success, std::int64_t micros,
                   std::int64_t now_micros, const std::vector<GpuInfo>& gpus);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::string last_config_;
  int last_success_ = -1;  // -1: nothing applied yet
  double last_duration_seconds_ = 0;
  double last_timestamp_seconds_ = 0;
  std::map<std::string, std::uint64_t> applies_;          // result -> count
  std::map<std::pair<int, std::string>, int> instances_;  // (GPU, profile) -> MIG devices
};

}  // namespace migkit

#endif  // MIGKIT_K8S_AGENT_METRICS_H_
