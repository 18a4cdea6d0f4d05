#include "yaml/yaml_input.h"

namespace migkit {

void FailAt(std::string_view source, int line, const std::string& message) {
  throw ParseFailure{std::string(source) + ":" + std::to_string(line) + ": " + message};
}

Status MalformedYaml(std::string_view source, const YAML::Exception& e) {
  // A syntax error knows where it is; other load errors (none known today) say only the file.
  if (dynamic_cast<const YAML::ParserException*>(&e) != nullptr) {
    return Status::ParseError(std::string(source) + ":" + std::to_string(e.mark.line + 1) +
                              ": malformed YAML: " + e.msg);
  }
  return Status::ParseError(std::string(source) + ": malformed YAML: " + e.what());
}

Status MultipleDocuments(std::string_view source, size_t count) {
  return Status::ParseError(std::string(source) + ": holds " + std::to_string(count) +
                            " YAML documents; the file must be one document (merge them into "
                            "one, or split the file)");
}

}  // namespace migkit
