#include "nvml_client/nvml_library.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <climits>
#include <string>

#include "testing/emulator_fixture.h"

namespace migkit::nvml_client {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(StatusFromNvml, KeepsTheCodesMigkitHas) {
  EXPECT_TRUE(StatusFromNvml(NVML_SUCCESS, "nvmlInit_v2").ok());
  const struct {
    nvmlReturn_t nvml;
    Code code;
    const char* name;
  } cases[] = {
      {NVML_ERROR_UNINITIALIZED, Code::kUninitialized, "NVML_ERROR_UNINITIALIZED"},
      {NVML_ERROR_INVALID_ARGUMENT, Code::kInvalidArgument, "NVML_ERROR_INVALID_ARGUMENT"},
      {NVML_ERROR_NOT_SUPPORTED, Code::kNotSupported, "NVML_ERROR_NOT_SUPPORTED"},
      {NVML_ERROR_NO_PERMISSION, Code::kNoPermission, "NVML_ERROR_NO_PERMISSION"},
      {NVML_ERROR_NOT_FOUND, Code::kNotFound, "NVML_ERROR_NOT_FOUND"},
      {NVML_ERROR_INSUFFICIENT_SIZE, Code::kInsufficientSize, "NVML_ERROR_INSUFFICIENT_SIZE"},
      {NVML_ERROR_TIMEOUT, Code::kTimeout, "NVML_ERROR_TIMEOUT"},
      {NVML_ERROR_RESET_REQUIRED, Code::kResetRequired, "NVML_ERROR_RESET_REQUIRED"},
      {NVML_ERROR_IN_USE, Code::kInUse, "NVML_ERROR_IN_USE"},
      {NVML_ERROR_INSUFFICIENT_RESOURCES, Code::kInsufficientResources,
       "NVML_ERROR_INSUFFICIENT_RESOURCES"},
      {NVML_ERROR_ARGUMENT_VERSION_MISMATCH, Code::kArgumentVersionMismatch,
       "NVML_ERROR_ARGUMENT_VERSION_MISMATCH"},
      {NVML_ERROR_UNKNOWN, Code::kUnknown, "NVML_ERROR_UNKNOWN"},
  };
  for (const auto& c : cases) {
    const Status s = StatusFromNvml(c.nvml, "nvmlDeviceCreateGpuInstance", "some text");
    EXPECT_EQ(s.code(), c.code) << c.name;
    EXPECT_EQ(static_cast<int>(s.code()), static_cast<int>(c.nvml)) << c.name;
    EXPECT_EQ(s.message(), std::string("nvmlDeviceCreateGpuInstance returned ") + c.name);
  }
}

TEST(StatusFromNvml, KeepsTheDriversTextForCodesMigkitLacks) {
  const Status s = StatusFromNvml(NVML_ERROR_DRIVER_NOT_LOADED, "nvmlInit_v2", "Driver Not Loaded");
  EXPECT_EQ(s.code(), Code::kUnknown);
  EXPECT_EQ(s.message(), "nvmlInit_v2 returned NVML_ERROR_DRIVER_NOT_LOADED (Driver Not Loaded)");
  EXPECT_EQ(StatusFromNvml(static_cast<nvmlReturn_t>(77), "f").message(),
            "f returned NVML return 77");
}

TEST(NvmlLibrary, MissingFileIsNotFoundNamingThePath) {
  StatusOr<std::unique_ptr<NvmlLibrary>> lib = NvmlLibrary::Open("/nonexistent/libnvidia-ml.so.1");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(lib.status().message(),
                       "cannot load the NVML library "
                       "/nonexistent/libnvidia-ml.so.1"))
      << lib.status().ToString();
}

TEST(NvmlLibrary, LibraryWithoutNvmlNamesTheMissingFunctions) {
  StatusOr<std::unique_ptr<NvmlLibrary>> lib = NvmlLibrary::Open("libc.so.6");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), Code::kNotSupported);
  const std::string m = lib.status().message();
  EXPECT_TRUE(Contains(m, "libc.so.6 is not a usable libnvidia-ml.so.1")) << m;
  EXPECT_TRUE(Contains(m,
                       "it lacks nvmlInit_v2, nvmlShutdown, nvmlErrorString, "
                       "nvmlSystemGetDriverVersion and 27 more (migctl needs NVML from driver "
                       "R470 or later)"))
      << m;
}

using NvmlLibraryEmulator = EmulatorFixture;

TEST_F(NvmlLibraryEmulator, OpensMigkitsLibraryAndReadsTheVersions) {
  setenv("MIGKIT_EMULATE", "A100-SXM4-40GB", 1);
  StatusOr<std::unique_ptr<NvmlLibrary>> lib = NvmlLibrary::Open(MIGKIT_TEST_NVML_LIBRARY);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(MIGKIT_TEST_NVML_LIBRARY, resolved), nullptr);
  EXPECT_EQ((*lib)->path(), resolved);
  EXPECT_EQ((*lib)->requested(), MIGKIT_TEST_NVML_LIBRARY);
  EXPECT_EQ((*lib)->driver_version(), "580.82.07");
  EXPECT_EQ((*lib)->nvml_version(), "13.580.82.07");
  const NvmlFunctions& f = (*lib)->fn();
  EXPECT_NE(f.device_get_architecture, nullptr);
  EXPECT_NE(f.device_get_gpu_instance_profile_info_v, nullptr);
  unsigned int count = 0;
  ASSERT_EQ(f.device_get_count(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 1u);
  // The library's own error texts reach the Status of codes migkit lacks.
  const Status s = (*lib)->Check(NVML_ERROR_GPU_IS_LOST, "nvmlDeviceGetCount_v2");
  EXPECT_EQ(s.message(), "nvmlDeviceGetCount_v2 returned NVML_ERROR_GPU_IS_LOST (GPU is lost)");
}

TEST_F(NvmlLibraryEmulator, InitFailureNamesTheLibrary) {
  setenv("MIGKIT_EMULATE", "Z100-NOPE", 1);
  StatusOr<std::unique_ptr<NvmlLibrary>> lib = NvmlLibrary::Open(MIGKIT_TEST_NVML_LIBRARY);
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), Code::kUnknown);
  EXPECT_TRUE(Contains(lib.status().message(), "cannot initialize NVML from "))
      << lib.status().ToString();
  EXPECT_TRUE(Contains(lib.status().message(), "nvmlInit_v2 returned NVML_ERROR_UNKNOWN"))
      << lib.status().ToString();
}

}  // namespace
}  // namespace migkit::nvml_client
