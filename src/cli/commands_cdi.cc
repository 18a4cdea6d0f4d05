// `migctl cdi generate`: the CDI spec of the node's GPUs and MIG devices (deviceplugin/cdi_spec.h),
// printed or written atomically into a CDI directory for the container runtime.
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "deviceplugin/cdi_spec.h"
#include "env/env.h"

namespace migkit::cli {
namespace {

ExitCode RunCdiGenerate(Context* ctx, const std::string& output_dir) {
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  const std::string spec = CdiSpecJson(gpus);
  if (output_dir.empty()) {
    ctx->Out(spec);
    return ExitCode::kOk;
  }
  Env* env = Env::Default();
  if (const Status s = env->CreateDirs(output_dir); !s.ok()) {
    return ctx->FailStatus(s, "cannot create the CDI directory " + output_dir);
  }
  const std::string path = output_dir + "/" + kCdiSpecFileName;
  if (const Status s = env->WriteFileAtomic(path, spec); !s.ok()) {
    return ctx->FailStatus(s, "cannot write the CDI spec " + path);
  }
  ctx->Out(path + "\n");
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureCdi(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  auto output_dir = std::make_shared<std::string>();
  CLI::App* generate = app->add_subcommand(
      "generate",
      "Print the CDI spec (kind nvidia.com/gpu) of every GPU and MIG device, or write it to "
      "DIR/" +
          std::string(kCdiSpecFileName) + ".");
  generate
      ->add_option("--output", *output_dir,
                   "CDI directory to write the spec into atomically (e.g. /var/run/cdi)")
      ->type_name("DIR");
  AddVerboseFlag(generate, ctx);
  SetExamples(generate,
              "  migctl cdi generate\n"
              "  migctl cdi generate --output /var/run/cdi\n"
              "Run it again after every MIG change; the device plugin does so itself.");
  return [=]() -> ExitCode { return RunCdiGenerate(ctx, *output_dir); };
}

}  // namespace migkit::cli
