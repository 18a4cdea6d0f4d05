#include "service/daemon_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace migkit {
namespace {

TEST(DaemonConfig, ReadsSettingsOverDefaults) {
  DaemonConfig c;
  ASSERT_TRUE(ParseDaemonConfig("port: 8080\nnode: n1\nprofile_prices: {7g.80gb: 0.25}\n"
                                "enable_mig: true\n",
                                "migkitd.yaml", &c)
                  .ok());
  EXPECT_EQ(c.listen, "127.0.0.1");  // loopback by default
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.node, "n1");
  EXPECT_TRUE(c.enable_mig);
  EXPECT_DOUBLE_EQ(c.profile_prices.at("7g.80gb"), 0.25);
}

TEST(DaemonConfig, ErrorsNameTheFileAndLine) {
  DaemonConfig c;
  Status s = ParseDaemonConfig("port: 8080\nlisten_on: 0.0.0.0\n", "migkitd.yaml", &c);
  EXPECT_EQ(s.code(), Code::kParseError);
  EXPECT_EQ(s.message().rfind("migkitd.yaml:2: unknown setting 'listen_on' (valid: listen,", 0), 0u)
      << s.message();
  EXPECT_EQ(ParseDaemonConfig("port: 70000\n", "m.yaml", &c).message(),
            "m.yaml:1: port: valid: 0..65535");
  EXPECT_EQ(ParseDaemonConfig("backend: cuda\n", "m.yaml", &c).message(),
            "m.yaml:1: backend: 'cuda' (valid: emulator, nvml)");
  EXPECT_EQ(c.port, 7471);  // unchanged by the failed parses
}

TEST(DaemonConfig, TheShippedExampleParses) {
  const std::string path = std::string(MIGKIT_SOURCE_DIR) + "/deploy/systemd/migkitd.yaml";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  DaemonConfig c;
  Status s = ParseDaemonConfig(text.str(), path, &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.listen, "127.0.0.1");
  EXPECT_EQ(c.backend, "nvml");
  EXPECT_DOUBLE_EQ(c.profile_prices.at("7g.80gb"), 0.45);
}

}  // namespace
}  // namespace migkit
