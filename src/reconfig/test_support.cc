#include "reconfig/test_support.h"

#include <cstdio>
#include <cstdlib>

#include "catalog/catalog.h"
#include "catalog/fleet_spec.h"
#include "config/resolve.h"

namespace migkit {

std::unique_ptr<EmulatedNode> NewTestNode(Env* env, const std::string& dir,
                                          const std::string& spec) {
  const Catalog& catalog = Catalog::BuiltIn();
  StatusOr<FleetSpec> fleet = ParseFleetSpec(spec, catalog);
  if (!fleet.ok()) {
    std::fprintf(stderr, "NewTestNode: %s\n", fleet.status().ToString().c_str());
    std::abort();
  }
  Status init = EmulatedNode::Initialize(env, catalog, dir, *fleet);
  EmulatorOptions options;
  options.state_dir = dir;
  StatusOr<std::unique_ptr<EmulatedNode>> node = EmulatedNode::Open(env, &catalog, options);
  if (!init.ok() || !node.ok()) {
    std::fprintf(stderr, "NewTestNode: %s %s\n", init.ToString().c_str(),
                 node.status().ToString().c_str());
    std::abort();
  }
  return std::move(node).value();
}

Desired ConfigDesired(const std::string& yaml, const std::string& name,
                      const std::vector<GpuInfo>& gpus) {
  StatusOr<MigConfigFile> file = ParseMigConfigFile(yaml, "test.yaml");
  if (!file.ok()) {
    std::fprintf(stderr, "ConfigDesired: %s\n", file.status().ToString().c_str());
    std::abort();
  }
  StatusOr<const NamedMigConfig*> config = SelectConfig(*file, name);
  StatusOr<std::vector<GpuTarget>> targets =
      config.ok() ? ResolveConfig(*file, **config, gpus)
                  : StatusOr<std::vector<GpuTarget>>(config.status());
  if (!targets.ok()) {
    std::fprintf(stderr, "ConfigDesired: %s\n", targets.status().ToString().c_str());
    std::abort();
  }
  Desired d;
  d.configs = std::move(targets).value();
  return d;
}

void MustApply(Backend* backend, Env* env, const Desired& desired) {
  ApplyEnv ae;
  ae.backend = backend;
  ae.env = env;
  ApplyResult r = Apply(ae, desired, ApplyOptions{});
  if (r.outcome != ApplyOutcome::kApplied && r.outcome != ApplyOutcome::kAlreadyApplied) {
    std::fprintf(stderr, "MustApply: outcome %d: %s %s\n", static_cast<int>(r.outcome),
                 r.status.ToString().c_str(), r.report.Summary(r.plan).c_str());
    std::abort();
  }
}

std::vector<GpuInfo> MustSnapshot(Backend* backend) {
  StatusOr<std::vector<GpuInfo>> gpus = backend->Gpus();
  if (!gpus.ok()) {
    std::fprintf(stderr, "MustSnapshot: %s\n", gpus.status().ToString().c_str());
    std::abort();
  }
  return std::move(gpus).value();
}

}  // namespace migkit
