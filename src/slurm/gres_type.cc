#include "slurm/gres_type.h"

#include <cctype>
#include <string>

namespace migkit::slurm {
namespace {

// gpu_common_underscorify_tolower: spaces become '_', letters become lower case.
std::string UnderscorifyToLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ') {
      out += '_';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace

std::string NvmlMigProfileName(std::string_view product_name, int gi_slices,
                               std::uint64_t memory_mib) {
  const std::string_view gpu_type = product_name.substr(0, product_name.find('-'));
  // roundl(MB / 1024): halves round away from zero, and the value is never negative.
  const std::uint64_t gb = (memory_mib + 512) / 1024;
  return UnderscorifyToLower(std::string(gpu_type) + "_" + std::to_string(gi_slices) + "g." +
                             std::to_string(gb) + "gb");
}

std::string NvmlGpuName(std::string_view product_name) { return UnderscorifyToLower(product_name); }

std::string GresTypeFor(std::string_view nvml_name) {
  constexpr std::string_view kVendor = "nvidia_";
  if (nvml_name.size() > kVendor.size() && nvml_name.substr(0, kVendor.size()) == kVendor) {
    nvml_name.remove_prefix(kVendor.size());
  }
  return std::string(nvml_name);
}

}  // namespace migkit::slurm
