#include "k8s/kube_config.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>

#include "yaml/yaml_input.h"

namespace migkit {
namespace {

constexpr std::size_t kMaxFileBytes = 1 << 20;

Status ReadSmallFile(Env* env, const std::string& path, std::string* out) {
  return env->ReadRegularFile(path, kMaxFileBytes, out);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

StatusOr<std::string> DecodeBase64(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') clean += c;
  }
  std::string out(clean.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0 || clean.size() % 4 != 0) return Status::InvalidArgument("not valid base64");
  // EVP_DecodeBlock counts the padding as data.
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

// "https://host:port" -> host and port (443 by default).
Status ParseServer(const std::string& server, const std::string& where, KubeConfig* config) {
  const std::string scheme = "https://";
  if (server.rfind(scheme, 0) != 0) {
    return Status::InvalidArgument(where + ": server '" + server +
                                   "' is not an https:// URL (the agent refuses plain HTTP)");
  }
  std::string rest = server.substr(scheme.size());
  if (const std::size_t slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  std::string host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:6443
    const std::size_t close = rest.find(']');
    if (close == std::string::npos)
      return Status::InvalidArgument(where + ": bad server " + server);
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
  } else if (const std::size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    rest = rest.substr(colon);
  } else {
    rest.clear();
  }
  config->host = host;
  config->port = 443;
  if (!rest.empty()) {
    char* end = nullptr;
    const long port = std::strtol(rest.c_str() + 1, &end, 10);
    if (rest.front() != ':' || *end != '\0' || port <= 0 || port > 65535) {
      return Status::InvalidArgument(where + ": bad port in server " + server);
    }
    config->port = static_cast<int>(port);
  }
  if (config->host.empty()) return Status::InvalidArgument(where + ": no host in server " + server);
  return Status::Ok();
}

// The map in `list` (a kubeconfig "clusters"/"users"/"contexts" sequence) named `name`.
YAML::Node Named(const YAML::Node& list, const std::string& name, const std::string& key,
                 const std::string& path, int line) {
  if (list && list.IsSequence()) {
    for (const YAML::Node& item : list) {
      if (item["name"] && item["name"].as<std::string>() == name && item[key]) return item[key];
    }
  }
  FailAt(path, line, "no " + key + " named '" + name + "' in " + key + "s");
}

}  // namespace

StatusOr<KubeConfig> InClusterConfig(Env* env, const std::string& dir) {
  KubeConfig config;
  config.source = "in-cluster service account (" + dir + ")";
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr) {
    return Status::NotFound(
        "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: not running in a pod; "
        "give --kubeconfig");
  }
  const std::string h = host;
  MIGKIT_RETURN_IF_ERROR(
      ParseServer("https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port,
                  "KUBERNETES_SERVICE_HOST/PORT", &config));
  MIGKIT_RETURN_IF_ERROR(ReadSmallFile(env, dir + "/ca.crt", &config.ca_pem));
  MIGKIT_RETURN_IF_ERROR(ReadSmallFile(env, dir + "/token", &config.token));
  config.token = Trim(config.token);
  return config;
}

StatusOr<KubeConfig> KubeconfigFile(Env* env, const std::string& path) {
  std::string text;
  MIGKIT_RETURN_IF_ERROR(ReadSmallFile(env, path, &text));
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  struct Fields {
    std::string server, ca_file, ca_data, token, token_file;
  };
  StatusOr<Fields> fields = ParseYaml<Fields>(text, path, [&](const YAML::Node& root) {
    if (!root.IsMap()) FailAt(path, 1, "a kubeconfig is a map with clusters, users and contexts");
    if (!root["current-context"]) FailAt(path, 1, "no current-context");
    const std::string current = root["current-context"].as<std::string>();
    const int line = LineOf(root["current-context"]);
    const YAML::Node context = Named(root["contexts"], current, "context", path, line);
    Fields f;
    const YAML::Node cluster = Named(root["clusters"], context["cluster"].as<std::string>(""),
                                     "cluster", path, LineOf(context));
    if (!cluster["server"]) FailAt(path, LineOf(cluster), "the cluster has no server");
    f.server = cluster["server"].as<std::string>();
    f.ca_file = cluster["certificate-authority"].as<std::string>("");
    f.ca_data = cluster["certificate-authority-data"].as<std::string>("");
    if (cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>()) {
      FailAt(path, LineOf(cluster["insecure-skip-tls-verify"]),
             "insecure-skip-tls-verify is refused: the agent always checks the server");
    }
    if (context["user"]) {
      const YAML::Node user =
          Named(root["users"], context["user"].as<std::string>(), "user", path, LineOf(context));
      f.token = user["token"].as<std::string>("");
      f.token_file = user["tokenFile"].as<std::string>("");
    }
    return f;
  });
  if (!fields.ok()) return fields.status();
  KubeConfig config;
  config.source = path;
  MIGKIT_RETURN_IF_ERROR(ParseServer(fields->server, path, &config));
  const auto resolve = [&](const std::string& p) {
    return std::filesystem::path(p).is_absolute() ? p : (base / p).string();
  };
  if (!fields->ca_data.empty()) {
    StatusOr<std::string> pem = DecodeBase64(fields->ca_data);
    if (!pem.ok())
      return Status::InvalidArgument(path + ": certificate-authority-data is not base64");
    config.ca_pem = *pem;
  } else if (!fields->ca_file.empty()) {
    MIGKIT_RETURN_IF_ERROR(ReadSmallFile(env, resolve(fields->ca_file), &config.ca_pem));
  } else {
    return Status::InvalidArgument(
        path +
        ": the cluster has neither certificate-authority nor certificate-authority-data; "
        "the agent will not trust a server it cannot check");
  }
  config.token = fields->token;
  if (config.token.empty() && !fields->token_file.empty()) {
    MIGKIT_RETURN_IF_ERROR(ReadSmallFile(env, resolve(fields->token_file), &config.token));
    config.token = Trim(config.token);
  }
  return config;
}

}  // namespace migkit
