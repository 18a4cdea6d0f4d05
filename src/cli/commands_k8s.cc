// `migctl k8s device-plugin` and `migctl k8s agent`: the kubelet device plugin
// (deviceplugin/plugin_server.h) and the MIG manager node agent (k8s/node_agent.h) over this
// process's backend, until SIGTERM or SIGINT.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/input.h"
#include "deviceplugin/plugin_server.h"
#include "deviceplugin/xid_watcher.h"
#include "k8s/metrics_server.h"
#include "k8s/node_agent.h"
#include "nvml_client/nvml_backend.h"
#include "reconfig/busy.h"

namespace migkit::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int /*signal*/) { stop_requested.store(true); }

struct DevicePluginArgs {
  std::string strategy = "mixed";
  DevicePluginConfig config;
};

ExitCode RunDevicePluginCommand(Context* ctx, const DevicePluginArgs& args) {
  StatusOr<MigStrategy> strategy = ParseMigStrategy(args.strategy);
  if (!strategy.ok()) return ctx->UsageError(strategy.status().message());
  if (args.config.poll_ms < 10) return ctx->UsageError("--poll-ms must be at least 10");
  DevicePluginConfig config = args.config;
  config.strategy = *strategy;
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  const auto log = [](const std::string& line) {
    std::cerr << "migctl k8s device-plugin: " << line << std::endl;
  };
  // The health check needs NVML's events; the direct emulator backend has none to offer.
  std::unique_ptr<XidWatcher> xid;
  if (auto* nvml = dynamic_cast<nvml_client::NvmlBackend*>(opened->backend.get())) {
    StatusOr<std::unique_ptr<XidWatcher>> watcher = XidWatcher::Open(&nvml->library());
    if (watcher.ok()) xid = std::move(watcher).value();
    if (!watcher.ok()) log("no health check: " + watcher.status().ToString());
  } else {
    log("no health check: " + opened->backend->Describe() + " has no NVML events");
  }
  std::signal(SIGTERM, RequestStop);
  std::signal(SIGINT, RequestStop);
  log("serving " + std::string(args.strategy) + " strategy in " + config.kubelet_dir);
  const Status s = RunDevicePlugin(opened->backend.get(), xid.get(), config, &stop_requested, log);
  if (!s.ok()) return ctx->FailStatus(s, "device plugin");
  return ExitCode::kOk;
}

struct AgentArgs {
  std::string node_name;
  std::string kubeconfig;
  std::string busy_timeout;
  std::string metrics_address = "127.0.0.1:9402";
  AgentOptions options;
};

ExitCode RunAgentCommand(Context* ctx, const AgentArgs& args) {
  AgentOptions options = args.options;
  options.node_name = args.node_name;
  if (options.node_name.empty()) {
    if (const char* n = std::getenv("NODE_NAME")) options.node_name = n;
  }
  if (options.node_name.empty()) {
    return ctx->UsageError(
        "give the Node's name with --node-name or $NODE_NAME (the DaemonSet "
        "sets it from spec.nodeName)");
  }
  if (!ParseWait(args.busy_timeout, &options.busy_wait_micros)) {
    return ctx->UsageError("--busy-timeout: '" + args.busy_timeout +
                           "' is not a duration such as 30s, 15m or 2h");
  }
  if (options.watch_timeout_seconds < 1) return ctx->UsageError("--watch-timeout must be >= 1");
  Env* env = Env::Default();
  StatusOr<KubeConfig> kube_config =
      args.kubeconfig.empty() ? InClusterConfig(env) : KubeconfigFile(env, args.kubeconfig);
  if (!kube_config.ok()) {
    return ctx->FailStatus(kube_config.status(), "cannot configure the Kubernetes client");
  }
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  StatusOr<std::string> lock = ReconfigLockPath(*opened);
  if (!lock.ok()) return ctx->FailStatus(lock.status(), "cannot take the reconfiguration lock");
  options.lock_path = *lock;
  const auto log = [](const std::string& line) {
    std::cerr << "migctl k8s agent: " << line << std::endl;
  };
  AgentMetrics metrics;
  std::unique_ptr<MetricsServer> metrics_server;
  if (!args.metrics_address.empty()) {
    StatusOr<std::unique_ptr<MetricsServer>> started =
        MetricsServer::Start(args.metrics_address, &metrics);
    if (!started.ok()) return ctx->FailStatus(started.status(), "--metrics-address");
    metrics_server = std::move(started).value();
    log("serving /metrics on port " + std::to_string(metrics_server->port()));
  }
  BusyStore busy(env, BusyDir());
  ApplyEnv apply_env{opened->backend.get(), &busy, env, [](std::int64_t micros) {
                       std::this_thread::sleep_for(std::chrono::microseconds(micros));
                     }};
  KubeClient kube(*kube_config);
  NodeAgent agent(&kube, apply_env, options, &metrics, log);
  std::signal(SIGTERM, RequestStop);
  std::signal(SIGINT, RequestStop);
  log("watching node " + options.node_name + " at " + kube_config->host + ":" +
      std::to_string(kube_config->port) + " (" + kube_config->source + ")");
  agent.Run(&stop_requested);
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureK8s(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  auto args = std::make_shared<DevicePluginArgs>();
  CLI::App* plugin = app->add_subcommand(
      "device-plugin",
      "Serve the kubelet device-plugin API (v1beta1) for the GPUs and MIG devices, following "
      "layout changes live; runs until SIGTERM.");
  plugin->add_option("--strategy", args->strategy, "MIG strategy: none, single or mixed")
      ->capture_default_str();
  plugin
      ->add_option("--kubelet-dir", args->config.kubelet_dir,
                   "kubelet's device-plugin directory (holds kubelet.sock)")
      ->capture_default_str()
      ->type_name("DIR");
  plugin
      ->add_option("--cdi-dir", args->config.cdi_dir,
                   "Keep the CDI spec current in this directory (e.g. /var/run/cdi)")
      ->type_name("DIR");
  plugin->add_option("--poll-ms", args->config.poll_ms, "How often to look for layout changes")
      ->capture_default_str();
  AddVerboseFlag(plugin, ctx);
  SetExamples(plugin,
              "  migctl k8s device-plugin --strategy mixed --cdi-dir /var/run/cdi\n"
              "docs/kubernetes.md shows the DaemonSet that runs it.");

  auto agent_args = std::make_shared<AgentArgs>();
  CLI::App* agent = app->add_subcommand(
      "agent",
      "Apply the MIG config named by the Node's nvidia.com/mig.config label (the GPU operator's "
      "MIG manager contract) with minimal plans; runs until SIGTERM.");
  agent->add_option("--node-name", agent_args->node_name, "This Node's name (default: $NODE_NAME)");
  agent
      ->add_option("--kubeconfig", agent_args->kubeconfig,
                   "kubeconfig file (default: the pod's service account)")
      ->type_name("FILE");
  agent
      ->add_option("-f,--config-file", agent_args->options.config_file,
                   "mig-parted config file, e.g. a mounted ConfigMap (default: the built-in "
                   "configs)")
      ->type_name("FILE");
  agent
      ->add_option("--default-config", agent_args->options.default_config,
                   "The config when the label is absent")
      ->capture_default_str();
  agent
      ->add_option("--busy-timeout", agent_args->busy_timeout,
                   "How long a change waits for busy instances (pods') before it fails "
                   "(default: fail at once)")
      ->type_name("DURATION");
  agent
      ->add_option("--metrics-address", agent_args->metrics_address,
                   "HOST:PORT for /metrics; empty to disable")
      ->capture_default_str();
  agent
      ->add_option("--watch-timeout", agent_args->options.watch_timeout_seconds,
                   "Seconds before the server ends a watch and the agent resumes it")
      ->capture_default_str();
  AddVerboseFlag(agent, ctx);
  SetExamples(agent,
              "  migctl k8s agent --node-name gpu-1 --kubeconfig ~/.kube/config -f configs.yaml\n"
              "  kubectl label node gpu-1 nvidia.com/mig.config=all-1g.10gb --overwrite\n"
              "docs/kubernetes.md shows the DaemonSet that runs it.");
  return [=]() -> ExitCode {
    if (agent->parsed()) return RunAgentCommand(ctx, *agent_args);
    return RunDevicePluginCommand(ctx, *args);
  };
}

}  // namespace migkit::cli
