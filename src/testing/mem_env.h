// MemEnv: an Env whose files live in memory, whose locks always succeed (one thread), and whose
// clock tests move by hand -- the emulator, apply and schedules run on it without touching disk.
#ifndef MIGKIT_TESTING_MEM_ENV_H_
#define MIGKIT_TESTING_MEM_ENV_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "env/env.h"

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

}  // namespace migkit

#endif  // MIGKIT_TESTING_MEM_ENV_H_
