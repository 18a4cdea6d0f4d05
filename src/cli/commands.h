// The Configure* functions of migctl's subcommands, one group per commands_*.cc file. main.cc
// lists them in its command table; see command.h for the contract.
#ifndef MIGKIT_CLI_COMMANDS_H_
#define MIGKIT_CLI_COMMANDS_H_

#include "cli/command.h"

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

// commands_config.cc: declarative layouts (mig-parted's format), checkpoints and busy marks.
Handler ConfigureApply(CLI::App* app, Context* ctx);
Handler ConfigureAssert(CLI::App* app, Context* ctx);
Handler ConfigureExport(CLI::App* app, Context* ctx);
Handler ConfigureCheckpoint(CLI::App* app, Context* ctx);
Handler ConfigureRestore(CLI::App* app, Context* ctx);
Handler ConfigureBusy(CLI::App* app, Context* ctx);

// commands_schedule.cc: time-of-day layouts.
Handler ConfigureSchedule(CLI::App* app, Context* ctx);

// commands_plan.cc: fleet layout planning for a workload demand (src/plan).
Handler ConfigurePlan(CLI::App* app, Context* ctx);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_COMMANDS_H_
