// Confidential computing: `migctl cc show|set|ready|key-rotation` and `migctl emulator cc`.
//
// In the spirit of `nvidia-smi conf-compute` (reads and the ready state, through the backend, so
// through NVML when migctl drives NVML) and NVIDIA's gpu-admin-tools (mode changes, which NVML
// cannot make: they are written to the emulated GPUs directly, as the admin tool writes the
// GPU's firmware knobs). The rules live in core/cc.h; see docs/confidential-computing.md.
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/target.h"
#include "core/cc.h"
#include "core/strings.h"
#include "emu/emulated_node.h"

namespace migkit::cli {
namespace {

// nvidia-smi conf-compute's words where the facts have them (cc-facts.md §4.2).
std::string EnvironmentWord(unsigned e) {
  switch (e) {
    case 1:
      return "SIM";
    case 2:
      return "PRODUCTION";
    default:
      return "UNAVAILABLE";
  }
}
std::string MultiGpuWord(unsigned m) {
  switch (m) {
    case 1:
      return "protected-pcie";
    case 2:
      return "nvle";
    default:
      return "none";
  }
}
std::string ReadyWord(bool ready) { return ready ? "ready" : "not-ready"; }

// The backend's report; per-GPU rows (with pending modes) and the MIG policy come from the
// emulated node when there is one, since NVML reports neither.
struct CcView {
  CcReport report;
  std::optional<CcReport> emulator;
};

ExitCode ReadCc(Context* ctx, OpenedBackend* opened, CcView* view) {
  StatusOr<CcReport> r = opened->backend->CcStatus();
  if (!r.ok()) return ctx->FailStatus(r.status(), "cannot read the confidential computing state");
  view->report = *r;
  if (opened->emulator != nullptr) {
    StatusOr<CcReport> e = opened->emulator->CcStatus();
    if (!e.ok()) return ctx->FailStatus(e.status(), "cannot read the emulated node");
    view->emulator = *e;
  }
  return ExitCode::kOk;
}

// The snapshot, the GPUs -i selects and the opened backend.
ExitCode OpenGpus(Context* ctx, std::vector<GpuInfo>* gpus, std::vector<int>* selected,
                  OpenedBackend** opened) {
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(gpus));
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpus(*gpus, selected));
  return ctx->OpenBackend(opened);
}

ExitCode RunShow(Context* ctx) {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenGpus(ctx, &gpus, &selected, &opened));
  CcView v;
  MIGCTL_RETURN_IF_FAILED(ReadCc(ctx, opened, &v));
  const CcReport& per_gpu = v.emulator ? *v.emulator : v.report;
  const CcSystemView& s = v.report.system;
  if (ctx->json) {
    nlohmann::json rows = nlohmann::json::array();
    for (int i : selected) {
      const GpuCcState& c = per_gpu.gpus.at(static_cast<size_t>(i));
      const GpuInfo& g = gpus[static_cast<size_t>(i)];
      nlohmann::json row = {{"index", i},
                            {"pci_bus_id", g.pci_bus_id},
                            {"model", g.model->id},
                            {"cc_capable", g.model->cc.cc},
                            {"cc_mode", CcModeName(c.current)},
                            {"ppcie", c.ppcie_current}};
      row["cc_mode_pending"] =
          per_gpu.pending_known ? nlohmann::json(CcModeName(c.pending)) : nlohmann::json();
      row["ppcie_pending"] =
          per_gpu.pending_known ? nlohmann::json(c.ppcie_pending) : nlohmann::json();
      rows.push_back(row);
    }
    nlohmann::json out = {{"gpus", rows},
                          {"system",
                           {{"cc_feature", s.cc_feature == 1},
                            {"environment", EnvironmentWord(s.environment)},
                            {"devtools_mode", s.devtools_mode == 1},
                            {"multi_gpu_mode", MultiGpuWord(s.multi_gpu_mode)},
                            {"cpu_caps", CcCpuCapsName(static_cast<CcCpuCaps>(s.cpu_caps))},
                            {"gpus_cc_capable", s.gpus_caps == 1},
                            {"gpus_ready_state", ReadyWord(v.report.node.ready)},
                            {"key_rotation_threshold", v.report.node.attacker_advantage}}}};
    out["mig_with_cc"] = v.emulator
                             ? nlohmann::json(MigWithCcPolicyName(v.emulator->node.mig_with_cc))
                             : nlohmann::json();
    return ctx->PrintJson(out);
  }
  const auto pending = [&](std::string_view word) {
    return per_gpu.pending_known ? std::string(word) : std::string("?");
  };
  std::string out = fmt::format("{:<4} {:<17} {:<18} {:<9} {:<9} {:<6} {}\n", "GPU", "Bus-Id",
                                "Model", "CC mode", "Pending", "PPCIe", "Pending");
  for (int i : selected) {
    const GpuCcState& c = per_gpu.gpus.at(static_cast<size_t>(i));
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    out += fmt::format("{:<4} {:<17} {:<18} {:<9} {:<9} {:<6} {}\n", i, g.pci_bus_id, g.model->id,
                       g.model->cc.cc ? CcModeName(c.current) : "n/a",
                       g.model->cc.cc ? pending(CcModeName(c.pending)) : "n/a",
                       c.ppcie_current ? "on" : "off", pending(c.ppcie_pending ? "on" : "off"));
  }
  out += fmt::format(
      "CC status: {}\n"
      "CC Environment: {}\n"
      "DevTools Mode: {}\n"
      "Multi-GPU Mode: {}\n"
      "CPU CC Capability: {}\n"
      "GPUs CC Capable: {}\n"
      "Confidential Compute GPUs Ready state: {}\n"
      "Key Rotation Threshold (attacker advantage): {}\n",
      s.cc_feature == 1 ? "ON" : "OFF", EnvironmentWord(s.environment),
      s.devtools_mode == 1 ? "ON" : "OFF", MultiGpuWord(s.multi_gpu_mode),
      CcCpuCapsName(static_cast<CcCpuCaps>(s.cpu_caps)), s.gpus_caps == 1 ? "yes" : "no",
      ReadyWord(v.report.node.ready), v.report.node.attacker_advantage);
  if (v.emulator) {
    out += fmt::format("MIG with CC: {} (emulator policy; no driver documents the combination)\n",
                       MigWithCcPolicyName(v.emulator->node.mig_with_cc));
  }
  ctx->Out(out);
  return ExitCode::kOk;
}

struct SetArgs {
  std::string mode;
};

ExitCode RunSet(Context* ctx, const SetArgs& args) {
  const bool ppcie = EqualsIgnoreCase(args.mode, "ppcie");
  std::optional<CcMode> mode;
  if (!ppcie) {
    StatusOr<CcMode> m = ParseCcMode(args.mode);
    if (!m.ok()) return ctx->UsageError(m.status().message() + ", ppcie");
    mode = *m;
  }
  if (ppcie && !ctx->gpu_args.empty()) {
    return ctx->UsageError("Protected PCIe takes every GPU of the node (cc-facts.md §1); drop -i");
  }
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenGpus(ctx, &gpus, &selected, &opened));
  // NVML cannot change CC modes; the emulated GPUs take it directly, as real ones take it from
  // gpu-admin-tools. Without an emulator the backend explains that.
  Backend* target = opened->emulator != nullptr ? opened->emulator : opened->backend.get();
  if (ppcie || (mode == CcMode::kOff && ctx->gpu_args.empty())) {
    const Status s = target->SetPpcieMode(ppcie);
    if (!s.ok())
      return ctx->FailStatus(
          s, ppcie ? "cannot set Protected PCIe mode" : "cannot clear Protected PCIe mode");
    if (ppcie) {
      ctx->Out(
          "PPCIe mode set to on for every GPU. It will be active after GPU reset.\n"
          "Run `migctl reset --all` to make it effective.\n");
      return ExitCode::kOk;
    }
  }
  ExitCode rc = ExitCode::kOk;
  for (int i : selected) {
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    const Status s = target->SetCcMode(i, *mode);
    if (!s.ok()) {
      ctx->Err(
          fmt::format("Unable to set CC mode for GPU {}: {}\n", g.pci_bus_id, CodeText(s.code())));
      if (!s.message().empty()) ctx->Err("  reason: " + s.message() + "\n");
      if (rc == ExitCode::kOk) rc = ExitCodeFor(s);
      continue;
    }
    // gpu-admin-tools' wording (cc-facts.md §4.1).
    ctx->Out(fmt::format("GPU {} CC mode set to {}. It will be active after GPU reset.\n",
                         g.pci_bus_id, CcModeName(*mode)));
    if (g.state.mig_current && g.model->mode_change == ModeChangeRule::kImmediate) {
      ctx->Err(fmt::format(
          "Note: MIG is enabled on GPU {}; on Hopper and later a reset that changes the CC mode "
          "leaves MIG disabled and its instances gone.\n",
          i));
    }
  }
  if (rc == ExitCode::kOk) {
    ctx->Out(ctx->gpu_args.empty()
                 ? std::string("Run `migctl reset --all` to make the new mode effective.\n")
                 : fmt::format("Run `migctl reset -i {}` to make the new mode effective.\n",
                               Join(ctx->gpu_args, ",")));
  }
  return rc;
}

// "1", "ready", "on" / "0", "not-ready", "off".
std::optional<bool> ParseReady(const std::string& v) {
  if (v == "1" || EqualsIgnoreCase(v, "ready") || EqualsIgnoreCase(v, "on")) return true;
  if (v == "0" || EqualsIgnoreCase(v, "not-ready") || EqualsIgnoreCase(v, "off")) return false;
  return std::nullopt;
}

ExitCode RunReady(Context* ctx, const std::string& value) {
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  if (value.empty()) {
    StatusOr<CcReport> r = opened->backend->CcStatus();
    if (!r.ok()) return ctx->FailStatus(r.status(), "cannot read the GPUs ready state");
    if (ctx->json) return ctx->PrintJson({{"gpus_ready_state", ReadyWord(r->node.ready)}});
    ctx->Out("Confidential Compute GPUs Ready state: " + ReadyWord(r->node.ready) + "\n");
    return ExitCode::kOk;
  }
  const std::optional<bool> ready = ParseReady(value);
  if (!ready) {
    return ctx->UsageError("ready state '" + value + "' is not one of 1, 0, ready, not-ready");
  }
  const Status s = opened->backend->SetCcReady(*ready);
  if (!s.ok()) return ctx->FailStatus(s, "cannot set the GPUs ready state");
  ctx->Out("Confidential Compute GPUs Ready state set to " + ReadyWord(*ready) + ".\n");
  return ExitCode::kOk;
}

ExitCode RunKeyRotation(Context* ctx, const std::optional<std::uint64_t>& value) {
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  if (!value) {
    StatusOr<CcReport> r = opened->backend->CcStatus();
    if (!r.ok()) return ctx->FailStatus(r.status(), "cannot read the key rotation threshold");
    if (ctx->json) return ctx->PrintJson({{"key_rotation_threshold", r->node.attacker_advantage}});
    ctx->Out(fmt::format("Key Rotation Threshold (attacker advantage): {}\n",
                         r->node.attacker_advantage));
    return ExitCode::kOk;
  }
  const Status s = opened->backend->SetCcKeyRotationThreshold(*value);
  if (!s.ok()) return ctx->FailStatus(s, "cannot set the key rotation threshold");
  ctx->Out(fmt::format("Key Rotation Threshold (attacker advantage) set to {}.\n", *value));
  return ExitCode::kOk;
}

struct EmulatorCcArgs {
  std::string mig_with_cc;
  std::string cpu_caps;
};

ExitCode RunEmulatorCc(Context* ctx, const EmulatorCcArgs& args) {
  std::optional<MigWithCcPolicy> policy;
  std::optional<CcCpuCaps> cpu;
  if (!args.mig_with_cc.empty()) {
    StatusOr<MigWithCcPolicy> p = ParseMigWithCcPolicy(args.mig_with_cc);
    if (!p.ok()) return ctx->UsageError(p.status().message());
    policy = *p;
  }
  if (!args.cpu_caps.empty()) {
    StatusOr<CcCpuCaps> c = ParseCcCpuCaps(args.cpu_caps);
    if (!c.ok()) return ctx->UsageError(c.status().message());
    cpu = *c;
  }
  if (!UsesEmulator()) {
    return ctx->Fail(ExitCode::kEnvironment,
                     "`migctl emulator cc` works only on the emulated node");
  }
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  if (opened->emulator == nullptr) {
    return ctx->Fail(ExitCode::kEnvironment,
                     "`migctl emulator cc` works only on the emulated node");
  }
  if (policy || cpu) {
    const Status s = opened->emulator->SetCcNodeSettings(policy, cpu);
    if (!s.ok()) return ctx->FailStatus(s, "cannot change the emulated node");
  }
  StatusOr<CcReport> r = opened->emulator->CcStatus();
  if (!r.ok()) return ctx->FailStatus(r.status(), "cannot read the emulated node");
  if (ctx->json) {
    return ctx->PrintJson({{"mig_with_cc", MigWithCcPolicyName(r->node.mig_with_cc)},
                           {"cpu_caps", CcCpuCapsName(r->node.cpu_caps)}});
  }
  ctx->Out(fmt::format("MIG with CC: {}\nCPU CC capability: {}\n",
                       MigWithCcPolicyName(r->node.mig_with_cc), CcCpuCapsName(r->node.cpu_caps)));
  return ExitCode::kOk;
}

}  // namespace

std::vector<GpuCcState> CcStatesForStatus(Context* ctx) {
  OpenedBackend* opened = nullptr;
  if (ctx->OpenBackend(&opened) != ExitCode::kOk) return {};
  Backend* source = opened->emulator != nullptr ? opened->emulator : opened->backend.get();
  StatusOr<CcReport> r = source->CcStatus();
  return r.ok() ? r->gpus : std::vector<GpuCcState>{};
}

std::string CcStatusLine(const GpuCcState& c, bool pending_known) {
  if (c == GpuCcState{}) return "";
  std::string line = fmt::format("  CC mode {}", c.ppcie_current ? "ppcie" : CcModeName(c.current));
  const bool changes = c.pending != c.current || c.ppcie_pending != c.ppcie_current;
  if (pending_known && changes) {
    line += fmt::format(" (pending: {} until `migctl reset`)",
                        c.ppcie_pending ? "ppcie" : CcModeName(c.pending));
  }
  return line + "\n";
}

ExitCode CheckCcAllowsMig(Context* ctx, const std::vector<GpuTarget>& targets) {
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  if (opened->emulator == nullptr) return ExitCode::kOk;
  StatusOr<CcReport> r = opened->emulator->CcStatus();
  if (!r.ok()) return ctx->FailStatus(r.status(), "cannot read the emulated node");
  for (const GpuTarget& t : targets) {
    if (!t.mig_enabled || static_cast<size_t>(t.gpu) >= r->gpus.size()) continue;
    const Status s = CheckMigAllowed(r->gpus[static_cast<size_t>(t.gpu)], r->node);
    if (!s.ok()) {
      return ctx->FailStatus(s, fmt::format("refusing to apply a MIG layout on GPU {}", t.gpu));
    }
  }
  return ExitCode::kOk;
}

Handler ConfigureCc(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  CLI::App* show = app->add_subcommand(
      "show", "Show each GPU's CC mode (current and pending) and the system-wide CC state.");
  AddGpuOption(show, ctx);
  AddJsonFlag(show, ctx);
  SetExamples(show,
              "  migctl cc show\n"
              "  migctl cc show -i 0 --json\n"
              "The system lines are what nvmlSystemGetConfComputeState/Settings/Capabilities,\n"
              "...GpusReadyState and ...KeyRotationThresholdInfo report. Through NVML the pending\n"
              "modes are unknown (shown as ?) unless the GPUs are emulated.");

  auto set_args = std::make_shared<SetArgs>();
  CLI::App* set = app->add_subcommand(
      "set",
      "Set the CC mode (off, on, devtools) of GPUs, or Protected PCIe (ppcie) of the node; "
      "pending until `migctl reset`.");
  set->add_option("mode", set_args->mode, "off, on, devtools, or ppcie (every GPU)")
      ->required()
      ->type_name("MODE");
  AddGpuOption(set, ctx);
  SetExamples(set,
              "  migctl cc set on -i 0 && migctl reset -i 0\n"
              "  migctl cc set ppcie && migctl reset --all     # Hopper HGX only\n"
              "  migctl cc set off                            # also clears Protected PCIe\n"
              "CC and PPCIe exclude each other: setting one clears the other. On Hopper and\n"
              "later, the reset that applies a new mode leaves MIG disabled. Real GPUs are\n"
              "switched with NVIDIA's gpu-admin-tools (--set-cc-mode), not through NVML.");

  auto ready_value = std::make_shared<std::string>();
  CLI::App* ready = app->add_subcommand(
      "ready", "Show or set the system-wide GPUs ready state (nvidia-smi conf-compute -grs/-srs).");
  ready->add_option("state", *ready_value, "1 / ready or 0 / not-ready; none: show it")
      ->type_name("STATE");
  AddJsonFlag(ready, ctx);
  SetExamples(ready,
              "  migctl cc ready          # Confidential Compute GPUs Ready state: not-ready\n"
              "  migctl cc ready 1\n"
              "Once set to ready and back to not-ready, every later change fails with Invalid\n"
              "Argument until the GPUs are reset (the driver's latch).");

  auto threshold = std::make_shared<std::optional<std::uint64_t>>();
  CLI::App* key = app->add_subcommand(
      "key-rotation", "Show or set the key rotation threshold (attacker advantage, 50-65).");
  key->add_option("threshold", *threshold, "50..65; none: show it")->type_name("N");
  AddJsonFlag(key, ctx);
  SetExamples(key,
              "  migctl cc key-rotation 55\n"
              "Settable only while the GPUs ready state is not-ready (Invalid state otherwise).");
  for (CLI::App* sub : {show, set, ready, key}) AddVerboseFlag(sub, ctx);
  SetExamples(app,
              "  migctl cc show\n"
              "  migctl cc set on -i 0 && migctl reset -i 0\n"
              "  migctl cc ready 1\n"
              "See docs/confidential-computing.md: what is modelled and what is UNCONFIRMED.");
  return [=]() -> ExitCode {
    if (show->parsed()) return RunShow(ctx);
    if (set->parsed()) return RunSet(ctx, *set_args);
    if (ready->parsed()) return RunReady(ctx, *ready_value);
    return RunKeyRotation(ctx, *threshold);
  };
}

EmulatorSubcommand ConfigureEmulatorCc(CLI::App* emulator_app, Context* ctx) {
  auto args = std::make_shared<EmulatorCcArgs>();
  CLI::App* app = emulator_app->add_subcommand(
      "cc",
      "Show or change the emulated node's CC settings: the MIG-with-CC policy and the CPU's "
      "CC capability.");
  app->add_option("--mig-with-cc", args->mig_with_cc,
                  "refuse (default: MIG enable / GPU instance creation on a GPU in CC mode fail "
                  "with Not Supported; no driver documents the combination) or allow")
      ->type_name("POLICY");
  app->add_option("--cpu-caps", args->cpu_caps,
                  "What nvmlSystemGetConfComputeCapabilities reports as the CPU's CC: none "
                  "(default), amd-sev, intel-tdx, amd-sev-snp, amd-snp-vtom")
      ->type_name("CAPS");
  AddJsonFlag(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(app,
              "  migctl emulator cc\n"
              "  migctl emulator cc --mig-with-cc allow --cpu-caps intel-tdx");
  return {app, [ctx, args] { return RunEmulatorCc(ctx, *args); }};
}

}  // namespace migkit::cli
