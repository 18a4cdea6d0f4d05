// Busy marks: small leases that say "a workload runs on this instance; do not destroy it".
//
// A mark names a GPU by UUID and a GPU instance by ID, optionally one compute instance in it, and
// carries who holds it and, optionally, when it expires. A mark on a GI covers the GI and every CI
// in it; a mark on a CI covers that CI (and so its GI, which cannot go while the CI stays). Plans
// avoid destroying marked instances when they can, and refuse to when they cannot unless forced
// (apply.h). Expired marks are ignored and dropped at the next write.
//
// The store is one JSON file, busy.json, next to the emulator's node.json by default; every change
// takes busy.lock and replaces the file atomically through the Env, so concurrent `migctl busy`
// calls never lose a mark.
//
// Thread-safety: a BusyStore is used from one thread; any number of processes may share the file.
#ifndef MIGKIT_RECONFIG_BUSY_H_
#define MIGKIT_RECONFIG_BUSY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"
#include "env/env.h"

namespace migkit {

struct BusyMark {
  std::string gpu_uuid;  // "GPU-..."
  int gi_id = 0;
  std::optional<int> ci_id;                    // empty: the whole GI
  std::string holder;                          // free text: a job ID, a user, a host
  std::int64_t created_micros = 0;             // Unix time, from the Env clock
  std::optional<std::int64_t> expires_micros;  // empty: until released
  friend bool operator==(const BusyMark&, const BusyMark&) = default;

  /// True when the mark protects GI `gi_id` (any of its parts) on GPU `gpu_uuid`.
  bool CoversGi(std::string_view gpu, int gi) const { return gpu == gpu_uuid && gi == gi_id; }
  /// True when the mark protects CI `ci` of GI `gi`: a GI mark, or a mark on that CI.
  bool CoversCi(std::string_view gpu, int gi, int ci) const {
    return CoversGi(gpu, gi) && (!ci_id.has_value() || *ci_id == ci);
  }
  /// "GPU-1234abcd.. GI 3 CI 0 (held by job-42, until 2026-01-01T10:00:00Z)".
  std::string ToString() const;
};

class BusyStore {
 public:
  /// A store in `dir` (busy.json and busy.lock). `env` must outlive the store.
  BusyStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}

  /// Marks in force at `now_micros` (expired ones left out), in file order. A missing file is an
  /// empty store; a damaged one is kCorruption naming the file.
  StatusOr<std::vector<BusyMark>> List(std::int64_t now_micros);
  /// Adds `mark`, replacing a mark on the same (GPU, GI, CI) by the same holder.
  Status Add(const BusyMark& mark, std::int64_t now_micros);
  /// Removes marks on (GPU, GI, CI) - with `ci_id` empty, on the GI and all its CIs - whose holder
  /// is `holder` (any holder when empty). Returns how many were removed.
  StatusOr<int> Remove(std::string_view gpu_uuid, int gi_id, std::optional<int> ci_id,
                       std::string_view holder, std::int64_t now_micros);
  /// Removes the marks on instances that no longer exist in `gpus` (a GPU of the snapshot without
  /// that GI or CI). Marks on GPUs the snapshot does not have are kept. Returns how many went.
  StatusOr<int> RemoveStale(const std::vector<GpuInfo>& gpus, std::int64_t now_micros);

  std::string path() const { return dir_ + "/busy.json"; }

 private:
  std::string lock_path() const { return dir_ + "/busy.lock"; }
  StatusOr<std::vector<BusyMark>> ReadLocked();
  /// The start of every read and change: creates the directory, takes the lock (shared to read,
  /// `exclusive` to change the marks) into `*lock`, which holds it until destroyed, and reads the
  /// marks in force at `now_micros` into `*live`.
  Status LockAndReadLive(bool exclusive, std::int64_t now_micros, std::unique_ptr<FileLock>* lock,
                         std::vector<BusyMark>* live);
  Status WriteLocked(const std::vector<BusyMark>& marks);

  Env* env_;
  std::string dir_;
};

/// The JSON text of `marks` ({"format": 1, "marks": [...]}).
std::string SerializeBusyMarks(const std::vector<BusyMark>& marks);
/// Parses busy.json. kCorruption names `path` and the defect.
StatusOr<std::vector<BusyMark>> ParseBusyMarks(std::string_view text, const std::string& path);

/// "2026-01-01T10:00:00Z" for a Unix time in microseconds.
std::string FormatUtc(std::int64_t micros);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_BUSY_H_
