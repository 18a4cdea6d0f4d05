#include "yaml/yaml_input.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

// A reader that wants a mapping with an integer 'n'.
StatusOr<int> ReadN(std::string_view text) {
  return ParseYaml<int>(text, "in.yaml", [](const YAML::Node& root) {
    if (!root.IsMap()) FailAt("in.yaml", LineOf(root), "expected a mapping");
    return root["n"].as<int>();
  });
}

TEST(ParseYaml, ReturnsWhatTheReaderReturns) {
  StatusOr<int> n = ReadN("n: 7\n");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 7);
}

TEST(ParseYaml, MalformedYamlNamesFileAndLine) {
  EXPECT_EQ(ReadN("a: 1\nb: [2\n").status(),
            Status::ParseError("in.yaml:3: malformed YAML: end of sequence flow not found"));
}

TEST(ParseYaml, AReaderFailureKeepsItsMessage) {
  EXPECT_EQ(ReadN("\n- 1\n").status(), Status::ParseError("in.yaml:2: expected a mapping"));
}

TEST(ParseYaml, AFailedConversionNamesTheFile) {
  const Status s = ReadN("n: seven\n").status();
  EXPECT_EQ(s.code(), Code::kParseError);
  EXPECT_EQ(s.message().rfind("in.yaml: yaml-cpp: error at line 1, column 4: bad conversion", 0),
            0u)
      << s.message();
}

}  // namespace
}  // namespace migkit
