// `migctl emulator show|init|fault|device-files`: the emulated node's state directory, fault
// injection (emu/faults.h), hardware events (emu/event_log.h) and device files
// (emu/device_tree.h). Every subcommand refuses to run when the backend is not the emulator.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/fleet_spec.h"
#include "cli/backend_factory.h"
#include "cli/commands.h"
#include "core/strings.h"
#include "emu/device_tree.h"
#include "emu/emulated_node.h"
#include "emu/event_log.h"
#include "emu/faults.h"
#include "env/env.h"

namespace migkit::cli {
namespace {

ExitCode NotEmulated(Context* ctx, std::string_view backend) {
  return ctx->Fail(ExitCode::kEnvironment,
                   fmt::format("`migctl emulator` works only on the emulated node; this process "
                               "drives {}",
                               backend));
}

// The emulated node, opened from the environment.
ExitCode OpenEmulator(Context* ctx, OpenedBackend** opened) {
  if (!UsesEmulator()) return NotEmulated(ctx, "real GPUs");
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(opened));
  if ((*opened)->emulator == nullptr) return NotEmulated(ctx, (*opened)->backend->Describe());
  return ExitCode::kOk;
}

std::vector<std::string> RuleStrings(const std::vector<FaultRule>& rules) {
  std::vector<std::string> out;
  for (const FaultRule& r : rules) out.push_back(FaultRuleToString(r));
  return out;
}

// The emulated node's state and its fault rules as text: those in the state file, which every
// process shares, and those MIGKIT_FAULTS gives this process alone. `show` and `fault list` print
// both.
struct EmulatorFaults {
  OpenedBackend* opened = nullptr;
  NodeState state;
  std::vector<std::string> shared;
  std::vector<std::string> process;
};

ExitCode ReadEmulatorFaults(Context* ctx, EmulatorFaults* out) {
  MIGCTL_RETURN_IF_FAILED(OpenEmulator(ctx, &out->opened));
  StatusOr<NodeState> state = out->opened->emulator->Load();
  if (!state.ok()) return ctx->FailStatus(state.status(), "cannot read the emulated node");
  out->state = std::move(*state);
  out->shared = RuleStrings(out->state.faults);
  out->process = RuleStrings(out->opened->emulator_options.process_faults);
  return ExitCode::kOk;
}

ExitCode RunShow(Context* ctx) {
  EmulatorFaults faults;
  MIGCTL_RETURN_IF_FAILED(ReadEmulatorFaults(ctx, &faults));
  const auto& [opened, state, shared, process] = faults;
  if (ctx->json) {
    return ctx->PrintJson({{"state_dir", opened->emulator->state_dir()},
                           {"state_file", opened->emulator->state_path()},
                           {"spec", state.spec.ToString()},
                           {"gpus", state.gpus.size()},
                           {"faults", shared},
                           {"process_faults", process}});
  }
  const auto list = [](const std::vector<std::string>& v) {
    return v.empty() ? std::string("none") : Join(v, ", ");
  };
  ctx->Out(fmt::format(
      "state dir:       {}\n"
      "state file:      {}\n"
      "node:            {} ({} GPU{})\n"
      "shared faults:   {}\n"
      "process faults:  {} (MIGKIT_FAULTS)\n",
      opened->emulator->state_dir(), opened->emulator->state_path(), state.spec.ToString(),
      state.gpus.size(), state.gpus.size() == 1 ? "" : "s", list(shared), list(process)));
  return ExitCode::kOk;
}

struct InitArgs {
  std::string emulate;
  bool force = false;
};

// Works without opening the node, so that it also replaces a corrupt state file.
ExitCode RunInit(Context* ctx, const InitArgs& args) {
  if (!UsesEmulator()) return NotEmulated(ctx, "real GPUs");
  const Catalog* catalog = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->LoadCatalog(&catalog));
  const char* env_spec = std::getenv("MIGKIT_EMULATE");
  const bool from_env = args.emulate.empty() && env_spec != nullptr && *env_spec != '\0';
  const std::string text =
      !args.emulate.empty() ? args.emulate : (from_env ? env_spec : std::string(kDefaultNodeSpec));
  StatusOr<FleetSpec> spec = ParseFleetSpec(text, *catalog);
  if (!spec.ok()) {
    if (from_env) {
      return ctx->Fail(ExitCode::kEnvironment, "MIGKIT_EMULATE: " + spec.status().message());
    }
    return ctx->UsageError("--emulate: " + spec.status().message());
  }
  const std::string dir = DefaultStateDir();
  const std::string path = dir + "/node.json";
  std::string existing;
  // Never follow or block on whatever is there: --force must work on a FIFO or a symlink too.
  const Status read =
      Env::Default()->ReadRegularFile(path, EmulatedNode::kMaxStateFileBytes, &existing);
  if (read.ok() && !args.force) {
    return ctx->Fail(ExitCode::kFailed,
                     fmt::format("{} already holds an emulated node; pass --force to replace it "
                                 "with a fresh {} node (every emulated GPU and compute instance is "
                                 "forgotten)",
                                 path, spec->ToString()));
  }
  if (!read.ok() && read.code() != Code::kNotFound && !args.force) {
    return ctx->FailStatus(read, "cannot read " + path);
  }
  const Status s = EmulatedNode::Initialize(Env::Default(), *catalog, dir, *spec);
  if (!s.ok()) return ctx->FailStatus(s, "cannot initialize the emulated node in " + dir);
  ctx->Out(fmt::format("Initialized an emulated node of {} in {} (MIG disabled on every GPU)\n",
                       spec->ToString(), dir));
  if (!args.emulate.empty() && env_spec != nullptr && *env_spec != '\0') {
    StatusOr<FleetSpec> env_parsed = ParseFleetSpec(env_spec, *catalog);
    if (env_parsed.ok() && !(*env_parsed == *spec)) {
      ctx->Err(
          fmt::format("note: MIGKIT_EMULATE={} asks for a different node; unset it to use "
                      "this one\n",
                      env_spec));
    }
  }
  return ExitCode::kOk;
}

ExitCode RunFaultAdd(Context* ctx, const std::vector<std::string>& rules_text) {
  StatusOr<std::vector<FaultRule>> rules = ParseFaultRules(Join(rules_text, ","));
  if (!rules.ok()) return ctx->UsageError(rules.status().message());
  if (rules->empty()) return ctx->UsageError("no fault rule given");
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenEmulator(ctx, &opened));
  for (const FaultRule& rule : *rules) {
    const Status s = opened->emulator->AddFault(rule);
    if (!s.ok()) return ctx->FailStatus(s, "cannot add fault " + FaultRuleToString(rule));
    const std::string effect =
        rule.remaining < 0 ? "every matching operation, in any process, fails until `migctl "
                             "emulator fault clear`"
        : rule.remaining == 1
            ? "the next matching operation, in any process, fails"
            : fmt::format("the next {} matching operations, in any process, fail", rule.remaining);
    ctx->Out(fmt::format("Added fault {}: {}\n", FaultRuleToString(rule), effect));
  }
  return ExitCode::kOk;
}

ExitCode RunFaultList(Context* ctx) {
  EmulatorFaults faults;
  MIGCTL_RETURN_IF_FAILED(ReadEmulatorFaults(ctx, &faults));
  const auto& [opened, state, shared, process] = faults;
  if (ctx->json) return ctx->PrintJson({{"faults", shared}, {"process_faults", process}});
  if (shared.empty()) ctx->Out("no shared faults\n");
  for (const std::string& r : shared) ctx->Out(r + "\n");
  for (const std::string& r : process) ctx->Out(r + "  (this process only, from MIGKIT_FAULTS)\n");
  return ExitCode::kOk;
}

ExitCode RunFaultClear(Context* ctx) {
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenEmulator(ctx, &opened));
  const Status s = opened->emulator->ClearFaults();
  if (!s.ok()) return ctx->FailStatus(s, "cannot clear the faults");
  ctx->Out("Cleared every shared fault\n");
  return ExitCode::kOk;
}

struct XidArgs {
  int xid = 79;
  std::optional<int> gi;
  std::optional<int> ci;
};

// An Xid error on one GPU or MIG device, delivered to every NVML event set (in any process) that
// registered for nvmlEventTypeXidCriticalError on that GPU before now.
ExitCode RunFaultXid(Context* ctx, const XidArgs& args) {
  if (args.gi.has_value() != args.ci.has_value()) {
    return ctx->UsageError("give both --gi and --ci for a MIG device, or neither for the GPU");
  }
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenEmulator(ctx, &opened));
  StatusOr<NodeState> state = opened->emulator->Load();
  if (!state.ok()) return ctx->FailStatus(state.status(), "cannot read the emulated node");
  std::vector<GpuInfo> gpus;
  for (size_t i = 0; i < state->gpus.size(); ++i) {
    GpuInfo g;
    g.index = static_cast<int>(i);
    g.uuid = state->gpus[i].uuid;
    g.pci_bus_id = state->gpus[i].pci_bus_id;
    gpus.push_back(std::move(g));
  }
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpus(gpus, &selected));
  if (ctx->gpu_args.empty() || selected.size() != 1) {
    return ctx->UsageError("give the one GPU of the event with -i");
  }
  const int gpu = selected.front();
  HardwareEvent event{kEventXidCriticalError, gpu, -1, -1, static_cast<std::uint64_t>(args.xid)};
  std::string where = fmt::format("GPU {}", gpu);
  if (args.gi.has_value()) {
    const GpuState& s = state->gpus[static_cast<size_t>(gpu)].state;
    const GpuInstance* gi = s.FindGpuInstance(*args.gi);
    const bool found =
        gi != nullptr && std::any_of(gi->compute_instances.begin(), gi->compute_instances.end(),
                                     [&](const ComputeInstance& c) { return c.id == *args.ci; });
    if (!found) {
      return ctx->Fail(ExitCode::kFailed,
                       fmt::format("GPU {} has no MIG device GI {} CI {} (see `migctl instances "
                                   "-i {}`)",
                                   gpu, *args.gi, *args.ci, gpu));
    }
    event.gi_id = *args.gi;
    event.ci_id = *args.ci;
    where += fmt::format(" GI {} CI {}", *args.gi, *args.ci);
  }
  const Status s = AppendEvent(opened->emulator->state_dir(), event);
  if (!s.ok()) return ctx->FailStatus(s, "cannot record the event");
  ctx->Out(
      fmt::format("Xid {} on {}: delivered to every NVML event set registered for Xid "
                  "errors on GPU {}\n",
                  args.xid, where, gpu));
  return ExitCode::kOk;
}

// The device files of the node under ROOT, for a mount namespace to bind over /proc/driver and
// /dev.
ExitCode RunDeviceFiles(Context* ctx, const std::string& root) {
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenEmulator(ctx, &opened));
  StatusOr<NodeState> state = opened->emulator->Load();
  if (!state.ok()) return ctx->FailStatus(state.status(), "cannot read the emulated node");
  StatusOr<std::vector<std::string>> files = WriteDeviceTree(*state, root);
  if (!files.ok()) return ctx->FailStatus(files.status(), "cannot write the device files");
  if (ctx->json) return ctx->PrintJson({{"root", root}, {"files", *files}});
  for (const std::string& f : *files) ctx->Out(root + "/" + f + "\n");
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureEmulator(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  CLI::App* show = app->add_subcommand(
      "show", "Show the state directory, node spec, GPU count and pending fault rules.");
  AddJsonFlag(show, ctx);
  SetExamples(show, "  migctl emulator show\n  migctl emulator show --json");

  auto init = std::make_shared<InitArgs>();
  CLI::App* init_app =
      app->add_subcommand("init", "Create a fresh emulated node (MIG disabled, no instances).");
  init_app
      ->add_option("--emulate", init->emulate,
                   "The node: MODEL or NxMODEL items, comma-separated (default: "
                   "$MIGKIT_EMULATE, else 8xH100-SXM5-80GB)")
      ->type_name("SPEC");
  init_app->add_flag("--force", init->force,
                     "Replace an existing node; every emulated instance is forgotten");
  SetExamples(init_app,
              "  migctl emulator init --emulate 2xA100-SXM4-40GB\n"
              "  migctl emulator init --force     # start over, e.g. after a corrupt state file\n"
              "The state directory is $MIGKIT_STATE_DIR, else $XDG_STATE_HOME/migkit, else\n"
              "~/.local/state/migkit.");

  auto rules = std::make_shared<std::vector<std::string>>();
  CLI::App* fault = app->add_subcommand("fault", "Manage the node's shared fault rules.");
  fault->require_subcommand(1);
  CLI::App* add =
      fault->add_subcommand("add", "Add fault rules that every process sees and uses up.");
  add->add_option(
         "rules", *rules,
         "OP[@GPU]=CODE[*N|*always]; OP: " + FaultOpNames() + "; CODE: " + FaultCodeNames())
      ->required()
      ->type_name("RULE");
  SetExamples(add,
              "  migctl emulator fault add create-gi=insufficient_resources\n"
              "  migctl emulator fault add 'reset@1=unknown*2' destroy-ci=in_use\n"
              "Each rule makes the next matching operation of any process fail with CODE, N times\n"
              "(default once), on GPU (default any).\n"
              "For one process only, set MIGKIT_FAULTS instead:\n"
              "  MIGKIT_FAULTS=create-gi=in_use migctl create-gi 19");
  CLI::App* list = fault->add_subcommand("list", "List the fault rules waiting to fire.");
  AddJsonFlag(list, ctx);
  SetExamples(list, "  migctl emulator fault list");
  CLI::App* clear = fault->add_subcommand("clear", "Remove every shared fault rule.");
  SetExamples(clear, "  migctl emulator fault clear");
  auto xid = std::make_shared<XidArgs>();
  CLI::App* xid_app = fault->add_subcommand(
      "xid", "Raise an Xid error on a GPU or MIG device (an NVML event, seen by every process).");
  xid_app->add_option("xid", xid->xid, "The Xid (default 79, \"GPU has fallen off the bus\")")
      ->check(CLI::NonNegativeNumber);
  xid_app->add_option("--gi", xid->gi, "GPU instance of the MIG device")->type_name("ID");
  xid_app->add_option("--ci", xid->ci, "Compute instance of the MIG device")->type_name("ID");
  AddGpuOption(xid_app, ctx);
  SetExamples(xid_app,
              "  migctl emulator fault xid -i 0 79\n"
              "  migctl emulator fault xid -i 1 --gi 7 --ci 0 94   # on a MIG device\n"
              "NVML clients waiting in nvmlEventSetWait on a set registered for\n"
              "nvmlEventTypeXidCriticalError on that GPU receive it; for a MIG device the event\n"
              "carries its GPU instance and compute instance IDs.");
  auto root = std::make_shared<std::string>();
  CLI::App* files_app = app->add_subcommand(
      "device-files",
      "Write /proc/driver/nvidia-caps/mig-minors and the /dev entries of the GPUs and MIG devices "
      "under a directory.");
  files_app->add_option("--root", *root, "Directory to write proc/ and dev/ into")
      ->required()
      ->type_name("DIR");
  AddJsonFlag(files_app, ctx);
  SetExamples(files_app,
              "  migctl emulator device-files --root /tmp/node\n"
              "Then, in a mount namespace (unshare -m):\n"
              "  mount --bind /tmp/node/proc/driver /proc/driver\n"
              "  mount --bind /tmp/node/dev /dev\n"
              "Run it again after a MIG change to refresh the capability files.");
  SetExamples(fault,
              "  migctl emulator fault add create-gi=in_use\n"
              "  migctl emulator fault list\n"
              "  migctl emulator fault clear");
  const EmulatorSubcommand cc = ConfigureEmulatorCc(app, ctx);
  for (CLI::App* sub : {show, init_app, fault, add, list, clear, xid_app, files_app}) {
    AddVerboseFlag(sub, ctx);
  }
  SetExamples(app,
              "  migctl emulator show\n"
              "  migctl emulator init --force --emulate A100-SXM4-40GB\n"
              "  migctl emulator fault add create-gi=insufficient_resources");

  return [=]() -> ExitCode {
    if (show->parsed()) return RunShow(ctx);
    if (init_app->parsed()) return RunInit(ctx, *init);
    if (add->parsed()) return RunFaultAdd(ctx, *rules);
    if (list->parsed()) return RunFaultList(ctx);
    if (xid_app->parsed()) return RunFaultXid(ctx, *xid);
    if (files_app->parsed()) return RunDeviceFiles(ctx, *root);
    if (cc.app->parsed()) return cc.handler();
    return RunFaultClear(ctx);
  };
}

}  // namespace migkit::cli
