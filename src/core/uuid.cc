#include "core/uuid.h"

#include <cstdint>
#include <cstdio>

namespace migkit {
namespace {

// FNV-1a then a splitmix64 finaliser: stable across platforms and compilers (std::hash is not).
std::uint64_t Hash64(std::string_view data, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ULL ^ salt;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h += 0x9E3779B97F4A7C15ULL;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

std::string Format(std::uint64_t hi, std::uint64_t lo) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace

std::string MakeGpuUuid(std::string_view seed, int index) {
  const std::string key = std::string(seed) + "/gpu/" + std::to_string(index);
  return "GPU-" + Format(Hash64(key, 1), Hash64(key, 2));
}

std::string MakeMigUuid(std::string_view gpu_uuid, int gi_id, int ci_id) {
  const std::string key =
      std::string(gpu_uuid) + "/gi/" + std::to_string(gi_id) + "/ci/" + std::to_string(ci_id);
  std::uint64_t hi = Hash64(key, 3), lo = Hash64(key, 4);
  hi = (hi & ~0xF000ULL) | 0x5000ULL;                  // version 5
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // RFC 4122 variant: 8, 9, a or b
  return "MIG-" + Format(hi, lo);
}

}  // namespace migkit
