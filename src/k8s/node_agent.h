// NodeAgent: migkit in place of the GPU operator's MIG manager on one Node
// (cluster-and-service.md §2.2 a, ecosystem.md §2.2).
//
// It lists its own Node, then watches it from the list's resourceVersion; a closed watch resumes
// from the last version seen, 410 Gone lists again, other errors back off (1 s doubling to 30 s).
// For each value of nvidia.com/mig.config (all-disabled when absent) it:
//   1. plans the change with migkit's minimal plan (reconfig/apply.h), which keeps every instance
//      the target also wants;
//   2. if the plan destroys an instance marked busy (a pod's: `migctl busy add`), waits up to
//      the busy timeout and then fails the change with a reason naming the instance and step;
//   3. sets the state to pending, and pauses the operands (nvidia.com/gpu.deploy.* ->
//      paused-for-mig-change, "false" left alone) only when the plan destroys or resets
//      something;
//   4. applies (with rollback on failure), then writes success or failed, the failure reason in
//      the migkit.io/mig.config.failure annotation, and puts the operand labels back.
// Labels and annotations are changed with JSON merge patches.
#ifndef MIGKIT_K8S_NODE_AGENT_H_
#define MIGKIT_K8S_NODE_AGENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "k8s/agent_metrics.h"
#include "k8s/kube_client.h"
#include "reconfig/apply.h"

namespace migkit {

struct AgentOptions {
  std::string node_name;
  std::string config_file;  // mig-parted configs (a mounted ConfigMap); "" for the built-in ones
  std::string default_config = "all-disabled";
  int watch_timeout_seconds = 300;
  std::int64_t busy_wait_micros = 0;  // how long a change waits for busy instances
  std::string lock_path;              // ApplyOptions::lock_path
};

class NodeAgent {
 public:
  /// `kube`, `metrics` and what `apply_env` points to must outlive the agent.
  NodeAgent(KubeClient* kube, ApplyEnv apply_env, AgentOptions options, AgentMetrics* metrics,
            std::function<void(const std::string&)> log);

  /// Lists and watches the Node, reconciling each change, until `*stop` is true.
  void Run(const std::atomic<bool>* stop);

  /// Handles one version of the Node object.
  void Reconcile(const nlohmann::json& node);

 private:
  struct Outcome {
    bool success = false;
    std::string reason;  // failures only
  };
  void RunLoop(const std::atomic<bool>* stop);
  Outcome Change(const std::string& config, const nlohmann::json& node);
  bool Patch(const nlohmann::json& patch);
  void Sleep(std::int64_t micros, const std::atomic<bool>* stop);

  KubeClient* kube_;
  ApplyEnv apply_env_;
  AgentOptions options_;
  AgentMetrics* metrics_;
  std::function<void(const std::string&)> log_;
  const std::atomic<bool>* stop_ = nullptr;
  std::string handled_;  // the config value last handled; "" to handle the next event again
};

}  // namespace migkit

#endif  // MIGKIT_K8S_NODE_AGENT_H_
