// The YAML input boundary: every reader of a YAML file (GPU models, mig-parted configs, schedules)
// loads it here and reports errors the same way, "file:line: message", as ninja's parsers do.
//
// A reader walks the yaml-cpp tree and throws ParseFailure (through FailAt) at the first problem;
// ParseYaml catches that and every yaml-cpp exception at the boundary and returns a kParseError
// Status, so no exception leaves a reader.
//
// Thread-safety: plain functions; yaml-cpp nodes must not be shared between threads.
#ifndef MIGKIT_YAML_YAML_INPUT_H_
#define MIGKIT_YAML_YAML_INPUT_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace migkit {

/// Thrown inside a YAML reader and turned into a Status by ParseYaml; carries the whole message,
/// location included.
struct ParseFailure {
  std::string message;
};

/// The 1-based line of `node` in its file.
inline int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

/// Throws ParseFailure "<source>:<line>: <message>".
[[noreturn]] void FailAt(std::string_view source, int line, const std::string& message);

/// Loads `text` (read from `source`, a file name for messages) as YAML and returns
/// `read(root)`. On error returns kParseError:
///   - text that is not YAML: "<source>:<line>: malformed YAML: <yaml-cpp's message>";
///   - more than one YAML document ("---"): "<source>: holds N YAML documents; ..." (a reader
///     given only the first would silently ignore the rest);
///   - a ParseFailure thrown by `read`: its message;
///   - any other yaml-cpp exception thrown by `read` (a failed conversion): "<source>: <what>".
/// `read` returns a T or a StatusOr<T>.
template <typename T, typename Read>
StatusOr<T> ParseYaml(std::string_view text, std::string_view source, Read&& read);

// ---- Implementation details; callers can ignore what follows. ----

/// kParseError for a yaml-cpp exception thrown while loading `source`.
Status MalformedYaml(std::string_view source, const YAML::Exception& e);
/// kParseError for a file of `count` > 1 YAML documents.
Status MultipleDocuments(std::string_view source, size_t count);

template <typename T, typename Read>
StatusOr<T> ParseYaml(std::string_view text, std::string_view source, Read&& read) {
  YAML::Node root;
  try {
    // A second document ("---") would otherwise be dropped without a word.
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) return MultipleDocuments(source, documents.size());
    if (!documents.empty()) root = documents.front();
  } catch (const YAML::Exception& e) {
    return MalformedYaml(source, e);
  }
  try {
    return std::forward<Read>(read)(root);
  } catch (const ParseFailure& f) {
    return Status::ParseError(f.message);
  } catch (const YAML::Exception& e) {
    return Status::ParseError(std::string(source) + ": " + e.what());
  }
}

}  // namespace migkit

#endif  // MIGKIT_YAML_YAML_INPUT_H_
