// migctl: manage NVIDIA Multi-Instance GPU partitions through a migkit Backend.
//
// The command table below is the whole CLI surface; each entry's Configure function (commands.h)
// declares its arguments and returns its handler. All MIG logic lives in the libraries.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"

#ifndef MIGKIT_VERSION
#define MIGKIT_VERSION "unknown"
#endif

namespace migkit::cli {
namespace {

constexpr CommandDef kCommands[] = {
    {"status", "Show each GPU's MIG state as a picture of its placement units (start here).",
     ConfigureStatus},
    {"gpus", "List the GPUs: index, product name, model, UUID, PCI bus ID, MIG mode.",
     ConfigureGpus},
    {"profiles", "List GPU instance profiles with free/total counts (nvidia-smi mig -lgip).",
     ConfigureProfiles},
    {"placements", "List the possible placements of each profile (nvidia-smi mig -lgipp).",
     ConfigurePlacements},
    {"instances", "List GPU instances, their compute instances and MIG device UUIDs.",
     ConfigureInstances},
    {"mig", "Enable or disable MIG mode.", ConfigureMig},
    {"reset", "Reset GPUs: apply a pending MIG mode; every instance on them is lost.",
     ConfigureReset},
    {"cc", "Confidential computing: show or set CC modes (pending until reset), the ready state.",
     ConfigureCc},
    {"create-gi", "Create GPU instances, optionally with their default compute instances.",
     ConfigureCreateGi},
    {"create-ci", "Create compute instances in a GPU instance.", ConfigureCreateCi},
    {"destroy-ci", "Destroy compute instances.", ConfigureDestroyCi},
    {"destroy-gi", "Destroy GPU instances (with --with-ci, their compute instances first).",
     ConfigureDestroyGi},
    {"layouts", "Enumerate the maximal (or all) valid GPU-instance layouts of a GPU model.",
     ConfigureLayouts},
    {"models", "List the GPU models in the catalog.", ConfigureModels},
    {"emulator", "Inspect and set up the emulated node: show, init, fault add|list|clear.",
     ConfigureEmulator},
    {"apply", "Apply a named layout from a mig-parted config file, keeping running instances.",
     ConfigureApply},
    {"assert", "Check that a config is applied (exit 0) or list the differences (exit 1).",
     ConfigureAssert},
    {"export", "Print the current layout in mig-parted's config format.", ConfigureExport},
    {"checkpoint", "Save the exact layout (IDs, placements) to a file.", ConfigureCheckpoint},
    {"restore", "Restore a checkpoint, keeping instances that are still in place.",
     ConfigureRestore},
    {"busy", "Mark instances busy so that plans do not destroy them: add, release, list.",
     ConfigureBusy},
    {"schedule", "Time-of-day layouts: show the next changes, or run the schedule.",
     ConfigureSchedule},
    {"plan",
     "Plan the layouts of a fleet for a workload demand, with a bound on how good they are.",
     ConfigurePlan},
    {"slurm",
     "Slurm: the GRES configuration of the node's MIG devices (gres), safe layout changes (apply).",
     ConfigureSlurm},
    {"cdi", "Generate the CDI spec of the GPUs and MIG devices for container runtimes.",
     ConfigureCdi},
    {"k8s", "Kubernetes: serve the kubelet device-plugin API for the GPUs and MIG devices.",
     ConfigureK8s},
    {"lease", "Lease MIG instances from migkitd: create, list, renew, release.", ConfigureLease},
    {"tenant", "Manage migkitd's tenants and quotas: create, quota, list, show, token.",
     ConfigureTenant},
    {"usage", "Slice-hours and chargeback from migkitd's usage ledger.", ConfigureUsage},
};

constexpr std::string_view kFooter =
    "Run `migctl COMMAND --help` for a command's arguments and examples. Start with "
    "`migctl status`.\n"
    "\n"
    "Environment:\n"
    "  MIGKIT_STATE_DIR  directory of the emulated node's state (default "
    "$XDG_STATE_HOME/migkit or ~/.local/state/migkit)\n"
    "  MIGKIT_EMULATE    the emulated node, e.g. A100-SXM4-40GB or 2xA30-24GB (default "
    "8xH100-SXM5-80GB)\n"
    "  MIGKIT_FAULTS     fault rules for this process, e.g. create-gi=in_use\n"
    "  MIGKIT_CATALOG    extra GPU model files (a *.yaml file or a directory)\n"
    "  MIGKIT_BACKEND    auto (default), nvml, emulator, or /path/to/libnvidia-ml.so.1 "
    "(docs/nvml.md)\n"
    "  MIGKITD_URL       migkitd for lease/tenant/usage (default http://127.0.0.1:7471)\n"
    "  MIGKITD_TOKEN     its bearer token (or MIGKITD_TOKEN_FILE, a file holding it)\n"
    "  NO_COLOR          disable colour in `migctl status`\n"
    "\n";

int Main(int argc, char** argv) {
  Context ctx;
  CLI::App app(
      "migctl - manage NVIDIA Multi-Instance GPU (MIG) partitions: MIG mode, GPU and compute "
      "instances, and the layouts a GPU model allows.",
      "migctl");
  app.set_version_flag("--version", std::string("migctl ") + MIGKIT_VERSION);
  AddVerboseFlag(&app, &ctx);
  app.require_subcommand(1);
  app.footer(std::string(kFooter) + std::string(kExitCodesHelp));

  std::vector<std::pair<CLI::App*, Handler>> handlers;
  for (const CommandDef& def : kCommands) {
    CLI::App* sub = app.add_subcommand(std::string(def.name), std::string(def.description));
    handlers.emplace_back(sub, def.configure(sub, &ctx));
  }

  // CLI11 honours --help before it notices an unknown command, so `migctl typo --help` would
  // print the top-level help and exit 0, as if the command existed. Name it instead.
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;  // migctl's own flags take no values
    const bool known = std::any_of(std::begin(kCommands), std::end(kCommands),
                                   [&](const CommandDef& def) { return def.name == arg; });
    if (!known) {
      std::fprintf(stderr, "migctl: error: unknown command '%s'; `migctl --help` lists them\n",
                   argv[i]);
      return static_cast<int>(ExitCode::kUsage);
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with exit code 0; CLI11 prints them.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::fprintf(stderr, "migctl: error: %s\nRun with --help for more information.\n", e.what());
    return static_cast<int>(ExitCode::kUsage);
  }
  for (auto& [sub, handler] : handlers) {
    if (sub->parsed()) {
      const int rc = static_cast<int>(handler());
      std::fflush(stdout);
      return rc;
    }
  }
  return static_cast<int>(ExitCode::kUsage);  // unreachable: a subcommand is required
}

}  // namespace
}  // namespace migkit::cli

// Commands report failures as a Status and an exit code; an exception reaching this point is a
// bug (or memory ran out). It must not escape main: std::terminate would abort with a core dump and
// a status scripts cannot tell from a crash. Output already written is flushed before the message.
int main(int argc, char** argv) {
  // Printed inside each handler: the exception object (and its what()) ends with the handler.
  const auto internal_error = [](const char* what) {
    std::fflush(stdout);
    std::fprintf(stderr, "migctl: internal error: %s (a bug; please report it with the command)\n",
                 what);
    return static_cast<int>(migkit::cli::ExitCode::kInternal);
  };
  try {
    return migkit::cli::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    return internal_error("out of memory");
  } catch (const std::exception& e) {
    return internal_error(e.what());
  } catch (...) {
    return internal_error("an exception that is not a std::exception");
  }
}
