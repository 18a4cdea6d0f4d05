// The Configure* functions of migctl's subcommands, one group per commands_*.cc file. main.cc
// lists them in its command table; see command.h for the contract.
#ifndef MIGKIT_CLI_COMMANDS_H_
#define MIGKIT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "cli/command.h"
#include "core/cc.h"

namespace migkit {
struct GpuInfo;
struct GpuTarget;
struct MigConfigFile;
}  // namespace migkit

namespace migkit::cli {

// commands_inspect.cc: read-only views of the node.
Handler ConfigureStatus(CLI::App* app, Context* ctx);
Handler ConfigureGpus(CLI::App* app, Context* ctx);
Handler ConfigureProfiles(CLI::App* app, Context* ctx);
Handler ConfigurePlacements(CLI::App* app, Context* ctx);
Handler ConfigureInstances(CLI::App* app, Context* ctx);

// commands_mig.cc: MIG mode and GPU reset.
Handler ConfigureMig(CLI::App* app, Context* ctx);
Handler ConfigureReset(CLI::App* app, Context* ctx);

// commands_instances.cc: creating and destroying GPU and compute instances.
Handler ConfigureCreateGi(CLI::App* app, Context* ctx);
Handler ConfigureCreateCi(CLI::App* app, Context* ctx);
Handler ConfigureDestroyCi(CLI::App* app, Context* ctx);
Handler ConfigureDestroyGi(CLI::App* app, Context* ctx);

// commands_catalog.cc: the GPU models migkit knows, and their layouts (no backend needed).
Handler ConfigureModels(CLI::App* app, Context* ctx);
Handler ConfigureLayouts(CLI::App* app, Context* ctx);

// commands_emulator.cc: the emulated node's state and fault injection.
Handler ConfigureEmulator(CLI::App* app, Context* ctx);

// commands_cc.cc: confidential computing modes, ready state and key rotation.
Handler ConfigureCc(CLI::App* app, Context* ctx);
/// A subcommand added to another command's app, and its handler.
struct EmulatorSubcommand {
  CLI::App* app;
  Handler handler;
};
/// For `migctl status`: every GPU's CC state (from the emulated node when there is one, else the
/// backend), or empty when the backend reports none. Never fails: status works without CC.
std::vector<GpuCcState> CcStatesForStatus(Context* ctx);
/// The line `migctl status` adds under a GPU's header; "" when CC and PPCIe are off and nothing is
/// pending, so the output of CC-off GPUs is unchanged.
std::string CcStatusLine(const GpuCcState& cc, bool pending_known);
/// For `migctl apply`: kFailed, after saying why, when a target enables MIG on a GPU whose CC mode
/// is on or devtools and the emulated node's policy refuses that (core CheckMigAllowed). Real GPUs
/// (no emulator) are left to the driver.
ExitCode CheckCcAllowsMig(Context* ctx, const std::vector<GpuTarget>& targets);
/// `migctl emulator cc`: the node's MIG-with-CC policy and CPU CC capability.
EmulatorSubcommand ConfigureEmulatorCc(CLI::App* emulator_app, Context* ctx);

// commands_config.cc: declarative layouts (mig-parted's format), checkpoints and busy marks.
Handler ConfigureApply(CLI::App* app, Context* ctx);
Handler ConfigureAssert(CLI::App* app, Context* ctx);
Handler ConfigureExport(CLI::App* app, Context* ctx);
Handler ConfigureCheckpoint(CLI::App* app, Context* ctx);
Handler ConfigureRestore(CLI::App* app, Context* ctx);
Handler ConfigureBusy(CLI::App* app, Context* ctx);
/// The config file named by -f (`path`), or the built-in configs when `path` is empty; errors are
/// usage errors (the file is user input). Also used by `migctl slurm apply`.
ExitCode LoadConfigFile(Context* ctx, const std::string& path, MigConfigFile* file);
/// The targets of config `name` in `file` for the GPUs of `gpus` selected by -i.
ExitCode ResolveTargets(Context* ctx, const MigConfigFile& file, const std::string& name,
                        const std::vector<GpuInfo>& gpus, std::vector<GpuTarget>* targets);

// commands_schedule.cc: time-of-day layouts.
Handler ConfigureSchedule(CLI::App* app, Context* ctx);

// commands_plan.cc: fleet layout planning for a workload demand (src/plan).
Handler ConfigurePlan(CLI::App* app, Context* ctx);

// commands_slurm.cc: Slurm GRES configuration for the node's MIG devices (src/slurm).
Handler ConfigureSlurm(CLI::App* app, Context* ctx);
// commands_cdi.cc: the CDI spec of the node's devices for container runtimes.
Handler ConfigureCdi(CLI::App* app, Context* ctx);
// commands_k8s.cc: Kubernetes: the kubelet device plugin.
Handler ConfigureK8s(CLI::App* app, Context* ctx);
// commands_lease.cc: clients of migkitd, the slice service (docs/service.md).
Handler ConfigureLease(CLI::App* app, Context* ctx);
Handler ConfigureTenant(CLI::App* app, Context* ctx);
Handler ConfigureUsage(CLI::App* app, Context* ctx);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_COMMANDS_H_
