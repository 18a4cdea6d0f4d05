// `migctl k8s device-plugin`: the kubelet device plugin (deviceplugin/plugin_server.h) over this
// process's backend, until SIGTERM or SIGINT.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "deviceplugin/plugin_server.h"
#include "deviceplugin/xid_watcher.h"
#include "nvml_client/nvml_backend.h"

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
  plugin->add_option("--kubelet-dir", args->config.kubelet_dir,
                     "kubelet's device-plugin directory (holds kubelet.sock)")
      ->capture_default_str()
      ->type_name("DIR");
  plugin->add_option("--cdi-dir", args->config.cdi_dir,
                     "Keep the CDI spec current in this directory (e.g. /var/run/cdi)")
      ->type_name("DIR");
  plugin->add_option("--poll-ms", args->config.poll_ms, "How often to look for layout changes")
      ->capture_default_str();
  AddVerboseFlag(plugin, ctx);
  SetExamples(plugin,
              "  migctl k8s device-plugin --strategy mixed --cdi-dir /var/run/cdi\n"
              "docs/kubernetes.md shows the DaemonSet that runs it.");
  return [=]() -> ExitCode { return RunDevicePluginCommand(ctx, *args); };
}

}  // namespace migkit::cli
