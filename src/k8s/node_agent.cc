#include "k8s/node_agent.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "config/builtin.h"
#include "config/mig_config.h"
#include "config/resolve.h"
#include "k8s/mig_manager_labels.h"

namespace migkit {
namespace {

constexpr std::int64_t kFirstBackoffMicros = 1000000;
constexpr std::int64_t kMaxBackoffMicros = 30000000;
constexpr std::size_t kMaxConfigBytes = 4 << 20;

bool DestroysOrResets(const Plan& plan) {
  return std::any_of(plan.steps.begin(), plan.steps.end(), [](const Step& s) {
    return s.kind == StepKind::kDestroyComputeInstance || s.kind == StepKind::kDestroyGpuInstance ||
           s.kind == StepKind::kResetGpu;
  });
}

std::string BusyReason(const std::vector<BusyConflict>& conflicts) {
  std::string reason = "the change would destroy instances in use: ";
  for (size_t i = 0; i < conflicts.size(); ++i) {
    reason += (i > 0 ? "; " : "") + conflicts[i].mark.ToString() + " (" + conflicts[i].step + ")";
  }
  return reason;
}

}  // namespace

NodeAgent::NodeAgent(KubeClient* kube, ApplyEnv apply_env, AgentOptions options,
                     AgentMetrics* metrics, std::function<void(const std::string&)> log)
    : kube_(kube),
      apply_env_(std::move(apply_env)),
      options_(std::move(options)),
      metrics_(metrics),
      log_(std::move(log)) {}

void NodeAgent::Sleep(std::int64_t micros, const std::atomic<bool>* stop) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
  while (!stop->load() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void NodeAgent::Run(const std::atomic<bool>* stop) {
  stop_ = stop;
  // A quiet watch sends nothing for minutes: end it as soon as the agent is asked to stop.
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    while (!done.load() && !stop->load())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kube_->CancelWatch();
  });
  RunLoop(stop);
  done.store(true);
  canceller.join();
}

void NodeAgent::RunLoop(const std::atomic<bool>* stop) {
  std::int64_t backoff = kFirstBackoffMicros;
  const auto back_off = [&] {
    Sleep(backoff, stop);
    backoff = std::min(backoff * 2, kMaxBackoffMicros);
  };
  while (!stop->load()) {
    StatusOr<nlohmann::json> list = kube_->ListNode(options_.node_name);
    if (!list.ok()) {
      log_("cannot list the node: " + list.status().message());
      back_off();
      continue;
    }
    const nlohmann::json items = list->value("items", nlohmann::json::array());
    if (!items.is_array() || items.empty() || !items[0].is_object()) {
      log_("node " + options_.node_name + " does not exist (yet)");
      back_off();
      continue;
    }
    backoff = kFirstBackoffMicros;
    Reconcile(items[0]);
    std::string version;
    if (list->contains("metadata") && (*list)["metadata"].is_object()) {
      version = (*list)["metadata"].value("resourceVersion", "");
    }
    for (bool watching = true; watching && !stop->load();) {
      std::string error;
      const WatchEnd end = kube_->WatchNode(
          options_.node_name, version, options_.watch_timeout_seconds,
          [&](const nlohmann::json& event) {
            if (!event.contains("object") || !event["object"].is_object()) return;
            const nlohmann::json& object = event["object"];
            if (object.contains("metadata") && object["metadata"].is_object()) {
              version = object["metadata"].value("resourceVersion", version);
            }
            const std::string type = event.value("type", "");
            if (type == "ADDED" || type == "MODIFIED") Reconcile(object);
          },
          stop, &error);
      switch (end) {
        case WatchEnd::kClosed:
          break;  // resume from `version`
        case WatchEnd::kGone:
          log_("watch: resourceVersion " + version + " is gone (410); listing again");
          watching = false;
          break;
        case WatchEnd::kError:
          log_("watch failed: " + error);
          back_off();
          watching = false;
          break;
        case WatchEnd::kStopped:
          return;
      }
    }
  }
}

bool NodeAgent::Patch(const nlohmann::json& patch) {
  StatusOr<nlohmann::json> r = kube_->PatchNode(options_.node_name, patch);
  if (!r.ok()) log_("cannot update the node: " + r.status().message());
  return r.ok();
}

void NodeAgent::Reconcile(const nlohmann::json& node) {
  const Labels labels = NodeLabels(node);
  const auto config_it = labels.find(kMigConfigLabel);
  const std::string config =
      config_it == labels.end() ? options_.default_config : config_it->second;
  // The agent's own patches come back as watch events: a value already handled is done.
  if (config == handled_) return;
  handled_ = config;
  log_("applying MIG config " + config);
  const std::int64_t start = apply_env_.env->NowMicros();
  const Outcome outcome = Change(config, node);
  const std::int64_t end = apply_env_.env->NowMicros();
  StatusOr<std::vector<GpuInfo>> gpus = apply_env_.backend->Gpus();
  metrics_->RecordApply(config, outcome.success, end - start, end,
                        gpus.ok() ? *gpus : std::vector<GpuInfo>());
  log_(outcome.success ? "MIG config " + config + ": success"
                       : "MIG config " + config + ": failed: " + outcome.reason);
}

NodeAgent::Outcome NodeAgent::Change(const std::string& config, const nlohmann::json& node) {
  const Labels labels = NodeLabels(node);
  const auto finish = [&](Outcome o, const Labels& restore) {
    std::map<std::string, nlohmann::json> label_patch = {
        {kMigConfigStateLabel, o.success ? "success" : "failed"}};
    for (const auto& [k, v] : restore) label_patch[k] = v;
    const nlohmann::json annotation =
        o.success ? nlohmann::json(nullptr) : nlohmann::json(o.reason);
    // Retried on the next event when the patch fails.
    if (!Patch(MetadataPatch(label_patch, {{kMigConfigFailureAnnotation, annotation}}))) {
      handled_.clear();
    }
    return o;
  };
  const auto fail = [&](const std::string& reason) { return finish({false, reason}, {}); };

  MigConfigFile file;
  if (options_.config_file.empty()) {
    file = BuiltinMigConfigs();
  } else {
    std::string text;
    const Status read =
        apply_env_.env->ReadRegularFile(options_.config_file, kMaxConfigBytes, &text);
    if (!read.ok()) return fail("cannot read the config file: " + read.ToString());
    StatusOr<MigConfigFile> parsed = ParseMigConfigFile(text, options_.config_file);
    if (!parsed.ok()) return fail(parsed.status().message());
    file = std::move(parsed).value();
  }
  StatusOr<const NamedMigConfig*> selected = SelectConfig(file, config);
  if (!selected.ok()) return fail(selected.status().message());
  StatusOr<std::vector<GpuInfo>> gpus = apply_env_.backend->Gpus();
  if (!gpus.ok()) return fail("cannot read the GPUs: " + gpus.status().ToString());
  StatusOr<std::vector<GpuTarget>> targets = ResolveConfig(file, **selected, *gpus);
  if (!targets.ok()) return fail(targets.status().message());
  Desired desired;
  desired.configs = std::move(targets).value();

  ApplyOptions options;
  options.lock_path = options_.lock_path;
  options.log = log_;
  options.stop = [this] { return stop_ != nullptr && stop_->load(); };
  options.dry_run = true;
  const ApplyResult dry = Apply(apply_env_, desired, options);
  if (dry.outcome == ApplyOutcome::kError) return fail(dry.status.ToString());
  if (dry.outcome == ApplyOutcome::kAlreadyApplied) return finish({true, ""}, {});
  if (!dry.conflicts.empty() && options_.busy_wait_micros == 0) {
    return fail(BusyReason(dry.conflicts));
  }

  const Labels paused = DestroysOrResets(dry.plan) ? PausedOperands(labels) : Labels();
  std::map<std::string, nlohmann::json> pending = {{kMigConfigStateLabel, "pending"}};
  for (const auto& [k, v] : paused) pending[k] = v;
  if (!Patch(MetadataPatch(pending, {{kMigConfigFailureAnnotation, nullptr}}))) {
    handled_.clear();  // retried on the next event
    return {false, "cannot set the state to pending"};
  }
  const Labels restore = RestoredOperands(labels, paused);

  options.dry_run = false;
  options.wait_micros = options_.busy_wait_micros;
  const ApplyResult r = Apply(apply_env_, desired, options);
  switch (r.outcome) {
    case ApplyOutcome::kApplied:
    case ApplyOutcome::kAlreadyApplied:
      return finish({true, ""}, restore);
    case ApplyOutcome::kBusy:
      return finish({false, BusyReason(r.conflicts)}, restore);
    case ApplyOutcome::kFailed:
      return finish({false, "applying failed: " + r.report.error.ToString() +
                                (r.report.rolled_back ? " (rolled back)" : "")},
                    restore);
    case ApplyOutcome::kError:
    case ApplyOutcome::kPlanned:
      break;
  }
  return finish({false, r.status.ToString()}, restore);
}

}  // namespace migkit
