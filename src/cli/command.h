// Command: one entry of migctl's table of subcommands, and the flags several commands share.
//
// A command declares its arguments on the CLI11 sub-app it is given and returns the handler that
// runs after a successful parse, with the parsed values bound into the handler's captures.
// main.cc holds the table (kCommands); the commands_*.cc files define the Configure* functions.
#ifndef MIGKIT_CLI_COMMAND_H_
#define MIGKIT_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string_view>

#include "cli/context.h"
#include "cli/exit_codes.h"

namespace migkit::cli {

using Handler = std::function<ExitCode()>;

struct CommandDef {
  std::string_view name;         // "create-gi"
  std::string_view description;  // what it does, the first thing `--help` shows
  /// Declares the command's arguments on `app` and returns its handler. `ctx` outlives both.
  Handler (*configure)(CLI::App* app, Context* ctx);
};

/// --json: "print JSON on stdout instead of the table" (read commands only).
void AddJsonFlag(CLI::App* app, Context* ctx);
/// -i/--gpu: the GPUs to act on. `default_text` says what happens without it.
void AddGpuOption(CLI::App* app, Context* ctx,
                  std::string_view default_text = "default: every GPU");
/// -v/--verbose, accepted after the subcommand too.
void AddVerboseFlag(CLI::App* app, Context* ctx);
/// -i/--gpu, --json and -v/--verbose together: the options of every command that acts on GPUs
/// and can print JSON.
void AddGpuAndOutputOptions(CLI::App* app, Context* ctx,
                            std::string_view gpu_default_text = "default: every GPU");
/// Sets the "Examples:" footer of a command's --help.
void SetExamples(CLI::App* app, std::string_view examples);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_COMMAND_H_
