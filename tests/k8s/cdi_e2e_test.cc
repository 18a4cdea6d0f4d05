// `migctl cdi generate`: the spec written into a CDI directory names, for each MIG device, the
// capability files the emulator lists in its mig-minors (`migctl emulator device-files`).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "migctl_runner.h"

namespace migkit::e2e {
namespace {

class CdiE2e : public MigctlTestBase<> {
 protected:
  std::string RunOk(const Args& args) {
    const Result r = RunMigctl(
        args, RunEnvironment(dir_, kInheritedVariables, {{"MIGKIT_EMULATE", "2xH100-SXM5-80GB"}}));
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    return r.out;
  }
};

// mig-minors "name minor" lines, by name.
std::map<std::string, std::string> MinorsByName(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string name, minor;
  while (in >> name >> minor) out[name] = minor;
  return out;
}

TEST_F(CdiE2e, SpecMatchesTheEmulatorsMigMinors) {
  RunOk({"mig", "enable", "-i", "1"});
  // 1g.10gb at 0 is GI 7 on H100 (mig-facts.md §4.2); 3g.40gb at 4 is GI 2.
  RunOk({"create-gi", "-i", "1", "1g.10gb:0,3g.40gb:4", "-C"});
  const std::string root = dir_ + "/tree";
  RunOk({"emulator", "device-files", "--root", root});
  const std::string cdi_dir = dir_ + "/cdi";
  EXPECT_EQ(RunOk({"cdi", "generate", "--output", cdi_dir}), cdi_dir + "/migkit-nvidia.json\n");
  const nlohmann::json spec = nlohmann::json::parse(ReadFile(cdi_dir + "/migkit-nvidia.json"));
  EXPECT_EQ(spec, nlohmann::json::parse(RunOk({"cdi", "generate"})));
  const std::map<std::string, std::string> minors =
      MinorsByName(ReadFile(root + "/proc/driver/nvidia-caps/mig-minors"));

  std::map<std::string, nlohmann::json> by_name;
  for (const nlohmann::json& d : spec["devices"]) by_name[d["name"]] = d["containerEdits"];
  ASSERT_EQ(by_name.size(), 8u) << spec.dump(2);  // both GPUs and the two MIG devices, twice each
  EXPECT_EQ(by_name["0"]["deviceNodes"][0]["path"], "/dev/nvidia0");
  EXPECT_EQ(by_name["1"]["deviceNodes"][0]["path"], "/dev/nvidia1");
  // NVML's MIG device order is by GI ID: GI 2 (the 3g) is 1:0, GI 7 (the 1g) is 1:1.
  const auto cap = [&](const std::string& caps_name) {
    return "/dev/nvidia-caps/nvidia-cap" + minors.at(caps_name);
  };
  EXPECT_EQ(by_name["1:0"]["deviceNodes"],
            nlohmann::json::array({{{"path", "/dev/nvidia1"}},
                                   {{"path", cap("gpu1/gi2/access")}},
                                   {{"path", cap("gpu1/gi2/ci0/access")}}}));
  EXPECT_EQ(by_name["1:1"]["deviceNodes"][1]["path"], "/dev/nvidia-caps/nvidia-cap201");
  EXPECT_EQ(by_name["1:1"]["deviceNodes"][2]["path"], "/dev/nvidia-caps/nvidia-cap202");
  EXPECT_EQ(cap("gpu1/gi7/access"), "/dev/nvidia-caps/nvidia-cap201");
  // Every device node of the spec exists in the emulator's /dev tree.
  for (const auto& [name, edits] : by_name) {
    for (const nlohmann::json& node : edits["deviceNodes"]) {
      EXPECT_TRUE(std::filesystem::exists(root + node["path"].get<std::string>()))
          << name << " " << node.dump();
    }
  }
}

TEST_F(CdiE2e, UnwritableDirectoryFailsWithItsName) {
  const std::string file = Write("not-a-dir", "x");
  const Args args = {"cdi", "generate", "--output", file};
  const Result r = RunMigctl(args, RunEnvironment(dir_));
  EXPECT_NE(r.exit_code, 0) << Show(args, r);
  EXPECT_TRUE(Contains(r.err, file)) << r.err;
}

}  // namespace
}  // namespace migkit::e2e
