// The catalog file parser: what a user who corrects or adds a GPU table sees when it is wrong.
#include <gtest/gtest.h>

#include <string>

#include "catalog/catalog.h"

namespace migkit {
namespace {

constexpr const char* kMinimal = R"(id: TEST-GPU
product_name: Test GPU
pci_device_id: 0x12345678
architecture: hopper
compute_capability: "9.0"
memory_mib: 1024
multiprocessors: 10
compute_slices: 1
memory_slices: 1
placement_units: 1
max_gpu_instances: 1
mode_change: immediate
gpu_instance_profiles:
  - {name: 1g.1gb, nvml_index: 0, id: 0, slices: 1, placement_size: 1, instances: 1, memory_mib: 1024, sms: 10, ce: 1, dec: 0, enc: 0, jpeg: 0, ofa: 0, placements: [0]}
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

std::string ParseError(const std::string& text) {
  StatusOr<GpuModel> m = ParseGpuModel(text, "test.yaml");
  EXPECT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kParseError);
  return m.status().message();
}

TEST(CatalogParse, MinimalFileParses) {
  StatusOr<GpuModel> m = ParseGpuModel(kMinimal, "test.yaml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->id, "TEST-GPU");
  EXPECT_EQ(m->pci_device_id, 0x12345678u);
  EXPECT_EQ(m->architecture, Architecture::kHopper);
  EXPECT_EQ(m->gi_profiles.size(), 1u);
}

TEST(CatalogParse, UnknownKeyNamesLineAndValidKeys) {
  const std::string msg = ParseError(Replace(kMinimal, "memory_mib: 1024\n", "memory_mb: 1024\n"));
  EXPECT_EQ(msg.rfind("test.yaml:6: unknown key 'memory_mb' (valid: id, product_name", 0), 0u)
      << msg;
}

TEST(CatalogParse, MissingKey) {
  EXPECT_EQ(ParseError(Replace(kMinimal, "multiprocessors: 10\n", "")),
            "test.yaml:1: missing key 'multiprocessors'");
}

TEST(CatalogParse, BadValuesSayWhatIsValid) {
  EXPECT_EQ(ParseError(Replace(kMinimal, "architecture: hopper", "architecture: volta")),
            "test.yaml:4: architecture 'volta' is not one of ampere, hopper, blackwell");
  EXPECT_EQ(ParseError(Replace(kMinimal, "memory_mib: 1024\n", "memory_mib: lots\n")),
            "test.yaml:6: memory_mib 'lots' is not a valid number");
  EXPECT_EQ(ParseError(Replace(kMinimal, "mode_change: immediate", "mode_change: later")),
            "test.yaml:12: mode_change 'later' is not pending-until-reset or immediate");
}

TEST(CatalogParse, PlacementOutsideTheAxisIsRejected) {
  const std::string msg = ParseError(Replace(kMinimal, "placements: [0]", "placements: [1]"));
  EXPECT_EQ(msg, "test.yaml:14: placements 1 is outside 0..0");
}

TEST(CatalogParse, MalformedYamlReportsLine) {
  const std::string msg = ParseError("id: [unclosed\nproduct_name: x\n");
  EXPECT_EQ(msg.rfind("test.yaml:", 0), 0u) << msg;
}

TEST(CatalogParse, DuplicateProfileIdIsRejected) {
  std::string text = kMinimal;
  text +=
      "  - {name: 1g.1gb+me, nvml_index: 7, id: 0, slices: 1, placement_size: 1, instances: 1, "
      "memory_mib: 1024, sms: 10, ce: 1, dec: 1, enc: 0, jpeg: 1, ofa: 1, placements: [0]}\n";
  EXPECT_EQ(ParseError(text), "test.yaml:1: profile ID 0 appears twice");
}

TEST(CatalogParse, UserFileOverridesBuiltInModel) {
  Catalog c = Catalog::BuiltIn();
  StatusOr<GpuModel> m =
      ParseGpuModel(Replace(kMinimal, "id: TEST-GPU", "id: h100-sxm5-80gb"), "t");
  ASSERT_TRUE(m.ok());
  const size_t before = c.models().size();
  c.Add(*m);
  EXPECT_EQ(c.models().size(), before);
  EXPECT_EQ(c.Find("H100-SXM5-80GB")->product_name, "Test GPU");
  EXPECT_EQ(Catalog::BuiltIn().Find("H100-SXM5-80GB")->product_name, "NVIDIA H100 80GB HBM3");
}

TEST(CatalogParse, MissingUserPathIsNotFound) {
  Catalog c;
  Status s = c.AddFromPath("/nonexistent/migkit-catalog");
  EXPECT_EQ(s.code(), Code::kNotFound);
}

// The `confidential_computing:` block (cc-facts.md §2; values tested in catalog_cc_test.cc).
std::string WithCc(const std::string& block) {
  return std::string(kMinimal) + "confidential_computing:\n" + block;
}

TEST(CatalogParse, AbsentCcBlockMeansNoCc) {
  StatusOr<GpuModel> m = ParseGpuModel(kMinimal, "t.yaml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->cc.cc);
  EXPECT_EQ(m->cc.min_driver, "");
}

TEST(CatalogParse, CcBlockErrorsNameWhatIsWrong) {
  StatusOr<GpuModel> m = ParseGpuModel(WithCc("  cc: true\n"), "t.yaml");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("min_driver is required"), std::string::npos)
      << m.status().message();
  m = ParseGpuModel(WithCc("  cc: false\n  ppcie: true\n  min_driver: \"1\"\n"), "t.yaml");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("need cc: true"), std::string::npos) << m.status().message();
  m = ParseGpuModel(WithCc("  cc: maybe\n"), "t.yaml");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("not a valid boolean"), std::string::npos)
      << m.status().message();
  m = ParseGpuModel(WithCc("  mig: true\n"), "t.yaml");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("unknown key 'mig' (valid: cc, ppcie"), std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace migkit
