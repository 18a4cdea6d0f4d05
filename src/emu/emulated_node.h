// EmulatedNode: a node of emulated MIG GPUs whose state lives in a directory and is shared by every
// process that opens it (migctl, the libnvidia-ml.so.1 emulator, tests).
//
// Each operation takes the node's file lock, loads node.json, applies the driver's rules (core
// gpu_state.h), and writes the result back atomically before releasing the lock. So concurrent
// processes never lose an update, a crash leaves either the old or the new state, and a failed
// operation leaves the file byte-for-byte unchanged.
//
// Reads are cached: the node keeps the state it last parsed, with the file version it came from
// (Env::OpenVersion), and parses again only when node.json has been replaced or changed -- so a
// query costs one stat() on an unchanged node and still sees another process's change at once.
//
// Thread-safety: one EmulatedNode per thread; any number of processes.
#ifndef MIGKIT_EMU_EMULATED_NODE_H_
#define MIGKIT_EMU_EMULATED_NODE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "catalog/catalog.h"
#include "emu/faults.h"
#include "emu/node_state.h"
#include "env/env.h"

namespace migkit {

struct EmulatorOptions {
  /// Directory holding node.json and node.lock. Default: DefaultStateDir().
  std::string state_dir;
  /// The node to emulate (MIGKIT_EMULATE). Empty: whatever the state directory holds, or the
  /// default DGX H100 when it holds nothing yet.
  std::optional<FleetSpec> spec;
  /// Per-process fault rules (MIGKIT_FAULTS), consumed in this process only.
  std::vector<FaultRule> process_faults;
};

/// $MIGKIT_STATE_DIR, else $XDG_STATE_HOME/migkit, else $HOME/.local/state/migkit.
std::string DefaultStateDir();

/// Options from MIGKIT_STATE_DIR, MIGKIT_EMULATE and MIGKIT_FAULTS. Errors name the variable.
StatusOr<EmulatorOptions> EmulatorOptionsFromEnvironment(const Catalog& catalog);

/// The node's GPUs as core/cc.h's rules see them (emulated_node_cc.cc).
std::vector<CcGpu> CcGpusOf(const NodeState& state);

class EmulatedNode : public Backend {
 public:
  /// node.json is refused beyond this size: far more than any node migkit writes (a DGX with
  /// every instance is ~10 KB; 100,000 fault rules ~3 MB), small enough to read without harm.
  static constexpr std::size_t kMaxStateFileBytes = std::size_t{64} << 20;

  /// Opens the node in options.state_dir, creating it on first use. Fails with kInvalidArgument
  /// when options.spec differs from the node the directory already holds (the message says how to
  /// start over), and kCorruption when the state file is damaged.
  /// `env` and `catalog` must outlive the node.
  static StatusOr<std::unique_ptr<EmulatedNode>> Open(Env* env, const Catalog* catalog,
                                                      EmulatorOptions options);

  /// Replaces whatever the directory holds with a fresh node for `spec` (MIG off, no instances).
  static Status Initialize(Env* env, const Catalog& catalog, const std::string& state_dir,
                           const FleetSpec& spec);

  // Backend.
  std::string Describe() const override;
  bool IsEmulated() const override { return true; }
  StatusOr<std::vector<GpuInfo>> Gpus() override;
  Status SetMigMode(int gpu, bool enable, Status* activation) override;
  Status ResetGpu(int gpu) override;
  StatusOr<GpuInstance> CreateGpuInstance(int gpu, int profile_id,
                                          std::optional<int> start) override;
  Status DestroyGpuInstance(int gpu, int gi_id) override;
  StatusOr<ComputeInstance> CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                  std::optional<int> start) override;
  Status DestroyComputeInstance(int gpu, int gi_id, int ci_id) override;
  // Confidential computing (emulated_node_cc.cc).
  StatusOr<CcReport> CcStatus() override;
  Status SetCcMode(int gpu, CcMode mode) override;
  Status SetPpcieMode(bool on) override;
  Status SetCcReady(bool ready) override;
  Status SetCcKeyRotationThreshold(std::uint64_t value) override;
  /// The node-wide MIG-with-CC policy and the CPU's CC capability the emulated host reports.
  Status SetCcNodeSettings(std::optional<MigWithCcPolicy> policy, std::optional<CcCpuCaps> cpu);

  /// The current state (a copy of Snapshot()).
  StatusOr<NodeState> Load();
  /// The current state, shared and immutable: the cached parse while node.json is unchanged,
  /// else the file read and parsed again. Takes no lock (see the definition).
  StatusOr<std::shared_ptr<const NodeState>> Snapshot();
  /// Runs `fn` on the state under the exclusive lock. The state is written back only when `fn`
  /// returns OK; either way the result of `fn` is returned.
  Status Update(const std::function<Status(NodeState*)>& fn);

  /// Shared fault rules (persisted; every process sees and consumes them).
  Status AddFault(const FaultRule& rule);
  Status ClearFaults();

  const std::string& state_dir() const { return state_dir_; }
  std::string state_path() const { return state_dir_ + "/node.json"; }

 private:
  EmulatedNode(Env* env, const Catalog* catalog, std::string state_dir,
               std::vector<FaultRule> process_faults)
      : env_(env),
        catalog_(catalog),
        state_dir_(std::move(state_dir)),
        process_faults_(std::move(process_faults)) {}

  std::string lock_path() const { return state_dir_ + "/node.lock"; }
  StatusOr<NodeState> ReadStateLocked();
  /// Remembers `state` as the content of `version` (nullptr: not cacheable).
  void Remember(std::shared_ptr<const NodeState> state, std::unique_ptr<FileVersion> version);
  /// Fires a per-process rule first, then a shared one (which is then persisted by Update).
  Status Fault(NodeState* state, FaultOp op, int gpu);
  static Status CheckGpu(const NodeState& state, int gpu);

  Env* env_;
  const Catalog* catalog_;
  std::string state_dir_;
  std::vector<FaultRule> process_faults_;
  std::string description_;
  // The last state parsed and the version of node.json it was parsed from; cached_ is null
  // until the first read and whenever the version could not be determined.
  std::shared_ptr<const NodeState> cached_;
  std::unique_ptr<FileVersion> cached_version_;
};

}  // namespace migkit

#endif  // MIGKIT_EMU_EMULATED_NODE_H_
