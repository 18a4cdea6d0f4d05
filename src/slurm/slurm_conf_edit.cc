#include "slurm/slurm_conf_edit.h"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "core/strings.h"

namespace migkit::slurm {
namespace {

struct Token {
  std::size_t begin = 0;  // offset in the line
  std::string_view text;
};

// The whitespace-separated tokens of `line` before any comment.
std::vector<Token> Tokens(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size() && line[i] != '#') {
    if (std::isspace(static_cast<unsigned char>(line[i]))) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    while (i < line.size() && line[i] != '#' && !std::isspace(static_cast<unsigned char>(line[i])))
      ++i;
    tokens.push_back({begin, line.substr(begin, i - begin)});
  }
  return tokens;
}

bool KeyIs(std::string_view token, std::string_view key) {
  return token.size() > key.size() && token[key.size()] == '=' &&
         EqualsIgnoreCase(token.substr(0, key.size()), key);
}

}  // namespace

StatusOr<std::string> ReplaceNodeGres(const std::string& text, const std::string& path,
                                      const std::string& node, const std::string& gres) {
  std::optional<std::string> result;
  int found_line = 0;
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    ++line_no;
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    const std::vector<Token> tokens = Tokens(line);
    if (!tokens.empty() && KeyIs(tokens[0].text, "NodeName")) {
      const std::string_view names = tokens[0].text.substr(9);
      const std::string where = path + ":" + std::to_string(line_no) + ": ";
      const bool ours = names == node;
      if (!ours && names.find_first_of(",[") != std::string_view::npos &&
          names.find(node) != std::string_view::npos) {
        return Status::InvalidArgument(
            where + "NodeName=" + std::string(names) + " may describe several nodes including '" +
            node + "'; give " + node + " a line of its own so its Gres= can change alone");
      }
      if (ours) {
        if (found_line != 0) {
          return Status::InvalidArgument(where + "a second line for node '" + node +
                                         "' (the first is line " + std::to_string(found_line) +
                                         "); keep one NodeName=" + node + " line");
        }
        if (!line.empty() && Trim(line).back() == '\\') {
          return Status::InvalidArgument(where + "the line of node '" + node +
                                         "' continues on the next one ('\\'); put it on one line");
        }
        found_line = line_no;
        std::string edited(line);
        bool replaced = false;
        for (const Token& t : tokens) {
          if (KeyIs(t.text, "Gres")) {
            edited.replace(t.begin + 5, t.text.size() - 5, gres);
            replaced = true;
            break;
          }
        }
        if (!replaced) {
          const Token& last = tokens.back();
          edited.insert(last.begin + last.text.size(), " Gres=" + gres);
        }
        result = text.substr(0, start) + edited + text.substr(end);
      }
    }
    start = end + 1;
  }
  if (!result) {
    return Status::NotFound(path + ": no line 'NodeName=" + node + " ...' describes node '" + node +
                            "'; add one, or name the node with "
                            "--node as slurm.conf does");
  }
  return *result;
}

}  // namespace migkit::slurm
