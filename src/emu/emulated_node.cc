#include "emu/emulated_node.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <utility>

#include "core/uuid.h"

namespace migkit {
namespace {

const char* GetEnvOrNull(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

// Reads node.json under a lock the caller holds. Anything but a missing file or a regular file
// within the size limit is refused with the way out (see Env::ReadRegularFile).
Status ReadStateText(Env* env, const std::string& path, std::string* text) {
  Status read = env->ReadRegularFile(path, EmulatedNode::kMaxStateFileBytes, text);
  if (read.ok() || read.code() == Code::kNotFound) return read;
  return Status(read.code(),
                read.message() +
                    ". The emulator reads its state only from a regular file of at most " +
                    std::to_string(EmulatedNode::kMaxStateFileBytes >> 20) +
                    " MiB; move it aside, or run `migctl emulator init --force` to start a fresh "
                    "node (this forgets every emulated instance)");
}

}  // namespace

std::string DefaultStateDir() {
  if (const char* d = GetEnvOrNull("MIGKIT_STATE_DIR")) return d;
  if (const char* d = GetEnvOrNull("XDG_STATE_HOME")) return std::string(d) + "/migkit";
  if (const char* h = GetEnvOrNull("HOME")) return std::string(h) + "/.local/state/migkit";
  return "/tmp/migkit-state";
}

StatusOr<EmulatorOptions> EmulatorOptionsFromEnvironment(const Catalog& catalog) {
  EmulatorOptions options;
  options.state_dir = DefaultStateDir();
  if (const char* spec = GetEnvOrNull("MIGKIT_EMULATE")) {
    StatusOr<FleetSpec> parsed = ParseFleetSpec(spec, catalog);
    if (!parsed.ok()) return parsed.status().WithContext("MIGKIT_EMULATE");
    options.spec = *parsed;
  }
  if (const char* faults = GetEnvOrNull("MIGKIT_FAULTS")) {
    StatusOr<std::vector<FaultRule>> rules = ParseFaultRules(faults);
    if (!rules.ok()) return rules.status().WithContext("MIGKIT_FAULTS");
    options.process_faults = *rules;
  }
  return options;
}

StatusOr<std::unique_ptr<EmulatedNode>> EmulatedNode::Open(Env* env, const Catalog* catalog,
                                                           EmulatorOptions options) {
  MIGKIT_RETURN_IF_ERROR(env->CreateDirs(options.state_dir));
  std::unique_ptr<EmulatedNode> node(
      new EmulatedNode(env, catalog, options.state_dir, std::move(options.process_faults)));
  // Read under a shared lock, so that a read-only state directory can be opened; create the node
  // on first use under the exclusive lock, reading again so that two first users agree.
  std::string text;
  Status read;
  // The version of node.json is taken before each read (as in Snapshot), so the parse cached
  // below is never older than the version it is filed under.
  StatusOr<std::unique_ptr<FileVersion>> version = Status::NotFound("not read yet");
  {
    StatusOr<std::unique_ptr<FileLock>> shared = env->Lock(node->lock_path(), /*exclusive=*/false);
    if (!shared.ok()) return shared.status();
    version = env->OpenVersion(node->state_path());
    read = ReadStateText(env, node->state_path(), &text);
  }
  std::unique_ptr<FileLock> lock;
  if (read.code() == Code::kNotFound) {
    StatusOr<std::unique_ptr<FileLock>> exclusive = env->Lock(node->lock_path(), true);
    if (!exclusive.ok()) return exclusive.status();
    lock = std::move(exclusive).value();
    version = env->OpenVersion(node->state_path());
    read = ReadStateText(env, node->state_path(), &text);
  }
  FleetSpec spec;
  if (read.code() == Code::kNotFound) {
    StatusOr<FleetSpec> def = ParseFleetSpec(kDefaultNodeSpec, *catalog);
    if (!def.ok()) return def.status();
    spec = options.spec.value_or(*def);
    MIGKIT_RETURN_IF_ERROR(
        env->WriteFileAtomic(node->state_path(), SerializeNodeState(NewNodeState(spec, *catalog))));
  } else if (!read.ok()) {
    return read;
  } else {
    StatusOr<NodeState> state = ParseNodeState(text, *catalog, node->state_path());
    if (!state.ok()) return state.status();
    spec = state->spec;
    // Cache the parse so that the node's first query does not parse it again.
    node->Remember(std::make_shared<const NodeState>(std::move(state).value()),
                   version.ok() ? std::move(version).value() : nullptr);
    if (options.spec.has_value() && !(*options.spec == spec)) {
      return Status::InvalidArgument(
          "MIGKIT_EMULATE asks for " + options.spec->ToString() + " but " + node->state_dir_ +
          " holds a node of " + spec.ToString() +
          "; unset MIGKIT_EMULATE, point MIGKIT_STATE_DIR elsewhere, or run `migctl emulator "
          "init --force --emulate " +
          options.spec->ToString() + "` to replace it");
    }
  }
  node->description_ = "emulated node: " + spec.ToString() + " (state in " + node->state_dir_ + ")";
  return node;
}

Status EmulatedNode::Initialize(Env* env, const Catalog& catalog, const std::string& state_dir,
                                const FleetSpec& spec) {
  MIGKIT_RETURN_IF_ERROR(env->CreateDirs(state_dir));
  const std::string lock_path = state_dir + "/node.lock";
  StatusOr<std::unique_ptr<FileLock>> lock = env->Lock(lock_path, true);
  if (!lock.ok()) {
    // This is the way out the refusals point to, so a lock "file" that is a symlink, FIFO or
    // socket is replaced too (nothing can hold a lock on it: Lock refuses such files).
    std::error_code ec;
    const auto type = std::filesystem::symlink_status(lock_path, ec).type();
    if (ec || type == std::filesystem::file_type::regular ||
        type == std::filesystem::file_type::directory || !std::filesystem::remove(lock_path, ec)) {
      return lock.status();
    }
    lock = env->Lock(lock_path, true);
    if (!lock.ok()) return lock.status();
  }
  return env->WriteFileAtomic(state_dir + "/node.json",
                              SerializeNodeState(NewNodeState(spec, catalog)));
}

std::string EmulatedNode::Describe() const { return description_; }

StatusOr<NodeState> EmulatedNode::ReadStateLocked() {
  std::string text;
  Status read = ReadStateText(env_, state_path(), &text);
  if (read.code() == Code::kNotFound) {
    return Status::Corruption(state_path() +
                              ": the state file disappeared while the node was open; run "
                              "`migctl emulator init` to create a fresh node");
  }
  if (!read.ok()) return read;
  return ParseNodeState(text, *catalog_, state_path());
}

void EmulatedNode::Remember(std::shared_ptr<const NodeState> state,
                            std::unique_ptr<FileVersion> version) {
  if (version == nullptr) {
    cached_.reset();
    cached_version_.reset();
    return;
  }
  cached_ = std::move(state);
  cached_version_ = std::move(version);
}

StatusOr<std::shared_ptr<const NodeState>> EmulatedNode::Snapshot() {
  if (cached_ != nullptr && cached_version_->IsCurrent()) return cached_;
  // No lock is needed for a consistent snapshot: every writer replaces node.json by renaming a
  // complete, fsynced temporary over it (Env::WriteFileAtomic) and never writes the file in place,
  // so one open() sees either the old or the new file, whole. The version is taken *before* the
  // read: if the file is replaced in between, we hold newer content under an older version, which
  // only costs a second read on the next call -- never an outdated state under a current version.
  StatusOr<std::unique_ptr<FileVersion>> version = env_->OpenVersion(state_path());
  StatusOr<NodeState> state = ReadStateLocked();
  if (!state.ok()) return state.status();
  auto shared = std::make_shared<const NodeState>(std::move(state).value());
  Remember(shared, version.ok() ? std::move(version).value() : nullptr);
  return shared;
}

StatusOr<NodeState> EmulatedNode::Load() {
  StatusOr<std::shared_ptr<const NodeState>> state = Snapshot();
  if (!state.ok()) return state.status();
  return **state;
}

Status EmulatedNode::Update(const std::function<Status(NodeState*)>& fn) {
  StatusOr<std::unique_ptr<FileLock>> lock = env_->Lock(lock_path(), /*exclusive=*/true);
  if (!lock.ok()) return lock.status();
  StatusOr<NodeState> state = ReadStateLocked();
  if (!state.ok()) return state.status();
  const NodeState before = *state;
  Status result = fn(&*state);
  // A failed operation changes nothing, except that a shared fault which fired is used up.
  if (!result.ok()) {
    if (state->faults == before.faults) return result;
    NodeState consumed = before;
    consumed.faults = state->faults;
    Status saved = env_->WriteFileAtomic(state_path(), SerializeNodeState(consumed));
    return saved.ok() ? result : saved;
  }
  if (*state == before) return result;
  MIGKIT_RETURN_IF_ERROR(env_->WriteFileAtomic(state_path(), SerializeNodeState(*state)));
  // Still under the exclusive lock, so the file is the one just written: cache it, and the next
  // query need not parse what this process wrote.
  StatusOr<std::unique_ptr<FileVersion>> written = env_->OpenVersion(state_path());
  Remember(std::make_shared<const NodeState>(std::move(state).value()),
           written.ok() ? std::move(written).value() : nullptr);
  return result;
}

Status EmulatedNode::CheckGpu(const NodeState& state, int gpu) {
  if (gpu < 0 || gpu >= static_cast<int>(state.gpus.size())) {
    return Status::InvalidArgument("GPU index " + std::to_string(gpu) +
                                   " does not exist; valid: 0-" +
                                   std::to_string(static_cast<int>(state.gpus.size()) - 1));
  }
  return Status::Ok();
}

Status EmulatedNode::Fault(NodeState* state, FaultOp op, int gpu) {
  MIGKIT_RETURN_IF_ERROR(FireFault(&process_faults_, op, gpu));
  return FireFault(&state->faults, op, gpu);
}

StatusOr<std::vector<GpuInfo>> EmulatedNode::Gpus() {
  StatusOr<NodeState> state = Load();
  if (!state.ok()) return state.status();
  std::vector<GpuInfo> out;
  for (size_t i = 0; i < state->gpus.size(); ++i) {
    const EmulatedGpu& g = state->gpus[i];
    GpuInfo info;
    info.index = static_cast<int>(i);
    info.model = g.model;
    info.uuid = g.uuid;
    info.pci_bus_id = g.pci_bus_id;
    info.state = g.state;
    for (const MigDeviceRef& d : MigDevices(g.state)) {
      info.mig_uuids[{d.gi_id, d.ci_id}] = MakeMigUuid(g.uuid, d.gi_id, d.ci_id);
    }
    out.push_back(std::move(info));
  }
  return out;
}

Status EmulatedNode::SetMigMode(int gpu, bool enable, Status* activation) {
  *activation = Status::Ok();
  return Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    MIGKIT_RETURN_IF_ERROR(Fault(s, FaultOp::kMigMode, gpu));
    EmulatedGpu& g = s->gpus[static_cast<size_t>(gpu)];
    if (enable) MIGKIT_RETURN_IF_ERROR(CheckMigAllowed(g.cc, s->cc));
    const bool current_before = g.state.mig_current;
    MIGKIT_RETURN_IF_ERROR(migkit::SetMigMode(*g.model, &g.state, enable, activation));
    // An injected activation failure leaves the requested mode pending, as on a GPU that could
    // not be reset (mig-facts.md §6.3); a reset then applies it.
    Status injected = Fault(s, FaultOp::kMigActivation, gpu);
    if (!injected.ok()) {
      g.state.mig_current = current_before;
      *activation = injected;
    }
    return Status::Ok();
  });
}

Status EmulatedNode::ResetGpu(int gpu) {
  return Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    MIGKIT_RETURN_IF_ERROR(Fault(s, FaultOp::kReset, gpu));
    migkit::ResetGpu(&s->gpus[static_cast<size_t>(gpu)].state);
    EmulatedGpu& g = s->gpus[static_cast<size_t>(gpu)];
    ApplyCcReset(*g.model, &g.cc, &g.state, &s->cc);
    return Status::Ok();
  });
}

StatusOr<GpuInstance> EmulatedNode::CreateGpuInstance(int gpu, int profile_id,
                                                      std::optional<int> start) {
  GpuInstance created;
  Status s = Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    MIGKIT_RETURN_IF_ERROR(Fault(s, FaultOp::kCreateGpuInstance, gpu));
    EmulatedGpu& g = s->gpus[static_cast<size_t>(gpu)];
    MIGKIT_RETURN_IF_ERROR(CheckMigAllowed(g.cc, s->cc));
    StatusOr<GpuInstance> gi = migkit::CreateGpuInstance(*g.model, &g.state, profile_id, start);
    if (!gi.ok()) return gi.status();
    created = *gi;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return created;
}

Status EmulatedNode::DestroyGpuInstance(int gpu, int gi_id) {
  return Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    MIGKIT_RETURN_IF_ERROR(Fault(s, FaultOp::kDestroyGpuInstance, gpu));
    return migkit::DestroyGpuInstance(&s->gpus[static_cast<size_t>(gpu)].state, gi_id);
  });
}

StatusOr<ComputeInstance> EmulatedNode::CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                              std::optional<int> start) {
  ComputeInstance created;
  Status s = Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    MIGKIT_RETURN_IF_ERROR(Fault(s, FaultOp::kCreateComputeInstance, gpu));
    EmulatedGpu& g = s->gpus[static_cast<size_t>(gpu)];
    StatusOr<ComputeInstance> ci =
        migkit::CreateComputeInstance(*g.model, &g.state, gi_id, ci_profile_id, start);
    if (!ci.ok()) return ci.status();
    created = *ci;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return created;
}

Status EmulatedNode::DestroyComputeInstance(int gpu, int gi_id, int ci_id) {
  return Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    MIGKIT_RETURN_IF_ERROR(Fault(s, FaultOp::kDestroyComputeInstance, gpu));
    return migkit::DestroyComputeInstance(&s->gpus[static_cast<size_t>(gpu)].state, gi_id, ci_id);
  });
}

Status EmulatedNode::AddFault(const FaultRule& rule) {
  return Update([&](NodeState* s) -> Status {
    s->faults.push_back(rule);
    return Status::Ok();
  });
}

Status EmulatedNode::ClearFaults() {
  return Update([&](NodeState* s) -> Status {
    s->faults.clear();
    return Status::Ok();
  });
}

}  // namespace migkit
