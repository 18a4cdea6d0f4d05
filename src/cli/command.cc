#include "cli/command.h"

#include <string>

namespace migkit::cli {

void AddJsonFlag(CLI::App* app, Context* ctx) {
  app->add_flag("--json", ctx->json, "Print JSON on stdout (and nothing else there)");
}

void AddGpuOption(CLI::App* app, Context* ctx, std::string_view default_text) {
  app->add_option("-i,--gpu", ctx->gpu_args,
                  "GPUs to act on: index, PCI bus ID or UUID; repeat -i or give a comma list (" +
                      std::string(default_text) + ")")
      ->type_name("GPU[,GPU...]")
      ->allow_extra_args(false);
}

void AddVerboseFlag(CLI::App* app, Context* ctx) {
  app->add_flag("-v,--verbose", ctx->verbose, "Print the backend in use on stderr");
}

void AddGpuAndOutputOptions(CLI::App* app, Context* ctx, std::string_view gpu_default_text) {
  AddGpuOption(app, ctx, gpu_default_text);
  AddJsonFlag(app, ctx);
  AddVerboseFlag(app, ctx);
}

void SetExamples(CLI::App* app, std::string_view examples) {
  app->footer("Examples:\n" + std::string(examples));
}

}  // namespace migkit::cli
