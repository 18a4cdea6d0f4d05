#include "k8s/kube_client.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace migkit {
namespace {

constexpr char kUserAgent[] = "migkit-k8s-agent";

// The CA certificates of `pem` as a store for OpenSSL; nullptr when none parses.
X509_STORE* StoreOf(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  X509_STORE* store = X509_STORE_new();
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, cert) == 1) ++count;
    X509_free(cert);
  }
  BIO_free(bio);
  if (count == 0) {
    X509_STORE_free(store);
    return nullptr;
  }
  return store;
}

// The server's message from a Status body, else the body itself.
std::string ServerMessage(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"];
  return body.substr(0, 200);
}

}  // namespace

struct KubeClient::Impl {
  KubeConfig config;
  // Two connections: the agent patches the Node from inside a watch's event callback, while the
  // watch still holds its connection.
  std::unique_ptr<httplib::SSLClient> http;
  std::unique_ptr<httplib::SSLClient> watch_http;
  std::string setup_error;

  explicit Impl(KubeConfig c) : config(std::move(c)) {
    http = NewClient();
    watch_http = NewClient();
  }

  std::unique_ptr<httplib::SSLClient> NewClient() {
    auto client = std::make_unique<httplib::SSLClient>(config.host, config.port);
    X509_STORE* store = StoreOf(config.ca_pem);
    if (store == nullptr) setup_error = config.source + ": no CA certificate could be read";
    if (store != nullptr) client->set_ca_cert_store(store);  // the client owns it from here
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(5);
    client->set_read_timeout(30);
    client->set_write_timeout(10);
    return client;
  }

  httplib::Headers Headers() const {
    httplib::Headers h = {{"User-Agent", kUserAgent}, {"Accept", "application/json"}};
    if (!config.token.empty()) h.emplace("Authorization", "Bearer " + config.token);
    return h;
  }

  std::string Where(const std::string& method, const std::string& path) const {
    return method + " https://" + config.host + ":" + std::to_string(config.port) + path;
  }

  StatusOr<nlohmann::json> Check(const httplib::Result& r, const std::string& what) {
    if (!r) return Status::Unknown(what + ": " + httplib::to_string(r.error()));
    if (r->status / 100 != 2) {
      return Status::Unknown(what + ": HTTP " + std::to_string(r->status) + ": " +
                             ServerMessage(r->body));
    }
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return Status::Unknown(what + ": the answer is not JSON");
    return j;
  }
};

KubeClient::KubeClient(KubeConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
KubeClient::~KubeClient() = default;

StatusOr<nlohmann::json> KubeClient::ListNode(const std::string& name) {
  if (!impl_->setup_error.empty()) return Status::InvalidArgument(impl_->setup_error);
  const std::string path =
      "/api/v1/nodes?fieldSelector=" + httplib::detail::encode_query_param("metadata.name=" + name);
  return impl_->Check(impl_->http->Get(path, impl_->Headers()), impl_->Where("GET", path));
}

WatchEnd KubeClient::WatchNode(const std::string& name, const std::string& resource_version,
                               int timeout_seconds,
                               const std::function<void(const nlohmann::json&)>& on_event,
                               const std::atomic<bool>* stop, std::string* error) {
  if (!impl_->setup_error.empty()) {
    *error = impl_->setup_error;
    return WatchEnd::kError;
  }
  const std::string path = "/api/v1/nodes?fieldSelector=" +
                           httplib::detail::encode_query_param("metadata.name=" + name) +
                           "&watch=true&allowWatchBookmarks=false&resourceVersion=" +
                           httplib::detail::encode_query_param(resource_version) +
                           "&timeoutSeconds=" + std::to_string(timeout_seconds);
  // The server ends the watch after timeout_seconds; silence well beyond that is a dead peer.
  impl_->watch_http->set_read_timeout(timeout_seconds + 30);
  std::string pending;
  bool gone = false;
  std::string body;  // of an error answer
  int status = 0;
  httplib::Result r = impl_->watch_http->Get(
      path, impl_->Headers(),
      [&](const httplib::Response& response) {
        status = response.status;
        return !stop->load();
      },
      [&](const char* data, size_t size) {
        if (status / 100 != 2) {
          body.append(data, size);
          return body.size() < 65536;
        }
        pending.append(data, size);
        // One JSON object per line.
        for (std::size_t eol; (eol = pending.find('\n')) != std::string::npos;) {
          const std::string line = pending.substr(0, eol);
          pending.erase(0, eol + 1);
          if (line.empty()) continue;
          const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
          if (!event.is_object()) continue;
          if (event.value("type", "") == "ERROR") {
            const nlohmann::json& obj = event.contains("object") ? event["object"] : event;
            if (obj.value("code", 0) == 410) gone = true;
            if (!gone) *error = "watch error: " + obj.dump();
            return false;
          }
          on_event(event);
        }
        return !stop->load();
      });
  if (stop->load()) return WatchEnd::kStopped;
  if (gone || status == 410) return WatchEnd::kGone;
  if (status != 0 && status / 100 != 2) {
    *error =
        impl_->Where("GET", path) + ": HTTP " + std::to_string(status) + ": " + ServerMessage(body);
    return WatchEnd::kError;
  }
  if (!error->empty()) return WatchEnd::kError;
  if (!r && r.error() != httplib::Error::Canceled && r.error() != httplib::Error::Read) {
    *error = impl_->Where("GET", path) + ": " + httplib::to_string(r.error());
    return WatchEnd::kError;
  }
  return WatchEnd::kClosed;
}

void KubeClient::CancelWatch() { impl_->watch_http->stop(); }

StatusOr<nlohmann::json> KubeClient::PatchNode(const std::string& name,
                                               const nlohmann::json& patch) {
  if (!impl_->setup_error.empty()) return Status::InvalidArgument(impl_->setup_error);
  const std::string path = "/api/v1/nodes/" + httplib::detail::encode_query_param(name);
  return impl_->Check(
      impl_->http->Patch(path, impl_->Headers(), patch.dump(), "application/merge-patch+json"),
      impl_->Where("PATCH", path));
}

}  // namespace migkit
