#include "core/pci.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

// The forms of one DGX H100 GPU address (mig-facts.md / docs/nvml.md: GPU 0 at 18:00.0): NVML's
// 8-digit domain, sysfs's 4-digit one that mig-parted passes to `nvidia-smi -r -i`, none.
TEST(Pci, AllFormsOfOneAddressAreEqual) {
  const PciAddress want{0, 0x18, 0, 0};
  for (const char* text : {"00000000:18:00.0", "0000:18:00.0", "18:00.0", " 0000:18:00.0\n",
                           "0:18:0.0", "0000:18:00"}) {
    const std::optional<PciAddress> a = ParsePciBusId(text);
    ASSERT_TRUE(a.has_value()) << text;
    EXPECT_EQ(*a, want) << text;
  }
  const std::optional<PciAddress> lower = ParsePciBusId("0000:2a:00.0");
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(lower->bus, 0x2Au);
  EXPECT_EQ(ParsePciBusId("0001:DB:1F.7"), (PciAddress{1, 0xDB, 0x1F, 7}));
}

TEST(Pci, RejectsMalformedAndOutOfRange) {
  for (const char* text :
       {"", "18", "0000:18:00.0:1", "0000:118:00.0", "0000:18:20.0", "0000:18:00.8",
        "123456789:18:00.0", "00x0:18:00.0", "0000::00.0", "0000:18:00.0.1", "GPU-0", "0"}) {
    EXPECT_FALSE(ParsePciBusId(text).has_value()) << text;
  }
}

TEST(Pci, FormatsAsNvmlAndSysfs) {
  const PciAddress a{0, 0xDB, 0, 0};
  EXPECT_EQ(FormatPciBusId(a), "00000000:DB:00.0");
  EXPECT_EQ(FormatPciBusIdLegacy(a), "0000:DB:00.0");
}

}  // namespace
}  // namespace migkit
