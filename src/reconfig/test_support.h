// Test support for reconfig (compiled into migkit_test only): an in-memory Env with a settable
// clock, emulated nodes on it, and a Backend decorator that fails the k-th mutating call.
#ifndef MIGKIT_RECONFIG_TEST_SUPPORT_H_
#define MIGKIT_RECONFIG_TEST_SUPPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "emu/emulated_node.h"
#include "emu/env.h"
#include "reconfig/apply.h"

namespace migkit {

/// Files in memory, locks that always succeed (one thread), and a clock tests move by hand.
class MemEnv : public Env {
 public:
  Status ReadFile(const std::string& path, std::string* contents) override;
  Status WriteFileAtomic(const std::string& path, std::string_view contents) override;
  Status CreateDirs(const std::string& path) override;
  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path, bool exclusive) override;
  std::int64_t NowMicros() override { return now_micros_; }

  void SetNow(std::int64_t micros) { now_micros_ = micros; }
  void Advance(std::int64_t micros) { now_micros_ += micros; }
  /// The file's contents, or "" when missing.
  std::string Contents(const std::string& path) const;

 private:
  std::map<std::string, std::string> files_;
  std::int64_t now_micros_ = 1767261600LL * 1000000;  // 2026-01-01T10:00:00Z
};

/// A fresh emulated node of `spec` ("8xH100-SXM5-80GB") in `dir` on `env`. Aborts on error.
std::unique_ptr<EmulatedNode> NewTestNode(Env* env, const std::string& dir, const std::string& spec);

/// The config `name` of the YAML text `yaml`, resolved against `gpus`. Aborts on error.
Desired ConfigDesired(const std::string& yaml, const std::string& name,
                      const std::vector<GpuInfo>& gpus);

/// Applies `desired` to `backend` (no busy marks, no waiting). Aborts unless it is applied or
/// already was.
void MustApply(Backend* backend, Env* env, const Desired& desired);

/// The snapshot of `backend`. Aborts on error.
std::vector<GpuInfo> MustSnapshot(Backend* backend);

/// Forwards to a Backend, except that the `fail_at`-th mutating call (1-based; SetMigMode,
/// ResetGpu, Create*, Destroy*) fails with `code` and changes nothing. 0 never fails.
class FailingBackend : public Backend {
 public:
  FailingBackend(Backend* target, int fail_at, Code code = Code::kUnknown)
      : target_(target), fail_at_(fail_at), code_(code) {}

  std::string Describe() const override { return target_->Describe(); }
  bool IsEmulated() const override { return target_->IsEmulated(); }
  StatusOr<std::vector<GpuInfo>> Gpus() override { return target_->Gpus(); }
  Status SetMigMode(int gpu, bool enable, Status* activation) override;
  Status ResetGpu(int gpu) override;
  StatusOr<GpuInstance> CreateGpuInstance(int gpu, int profile_id, std::optional<int> start) override;
  Status DestroyGpuInstance(int gpu, int gi_id) override;
  StatusOr<ComputeInstance> CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                  std::optional<int> start) override;
  Status DestroyComputeInstance(int gpu, int gi_id, int ci_id) override;

  int mutating_calls() const { return calls_; }

 private:
  /// Counts a mutating call; the injected error when it is the one to fail.
  Status Next();

  Backend* target_;
  int fail_at_;
  Code code_;
  int calls_ = 0;
};

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_TEST_SUPPORT_H_
