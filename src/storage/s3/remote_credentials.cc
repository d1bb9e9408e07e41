#include "storage/s3/remote_credentials.h"

#include <arpa/inet.h>
#include <nlohmann/json.hpp>

#include <utility>

#include "storage/s3/uri_encoding.h"
#include "storage/s3/xml_document.h"
#include "storage/s3/xml.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kImdsTokenTtlSeconds = "21600";
constexpr std::string_view kStsApiVersion = "2011-06-15";
constexpr std::string_view kImdsCredentialsPath = "/latest/meta-data/iam/security-credentials/";
constexpr std::size_t kMaxCredentialsBody = 64 * 1024;

TransportCallOptions Limits(const storage::CallOptions& call, std::chrono::seconds timeout) {
  TransportCallOptions o;
  o.deadline = Deadline::Min(call.deadline, Deadline::After(timeout));
  o.cancel = call.cancel;
  o.max_body_bytes = kMaxCredentialsBody;
  return o;
}

HttpRequest Request(std::string method, std::string url) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  return r;
}

// A non-2xx answer of a credentials endpoint as a Status.
Status FromHttpStatus(int status, std::string_view source, std::string_view detail = "") {
  std::string message = std::string(source) + ": HTTP " + std::to_string(status);
  if (!detail.empty()) message += ": " + std::string(detail);
  if (status >= 500 || status == 429) return UnavailableError(message);
  return UnauthenticatedError(message);
}

Result<std::string> ReadToken(const AwsEnvironment& env, const std::string& path,
                              std::string_view what) {
  Result<std::string> token = env.read_file(path);
  if (!token.ok()) {
    return UnauthenticatedError(std::string(what) + " " + path + ": " +
                                token.status().message());
  }
  std::string value = std::move(token).value();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r' ||
                            value.back() == ' ')) {
    value.pop_back();
  }
  if (value.empty()) return UnauthenticatedError(std::string(what) + " " + path + " is empty");
  return value;
}

std::optional<std::string> JsonString(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<std::chrono::system_clock::time_point> ParseExpiration(std::string_view text,
                                                               std::string_view source) {
  Result<int64_t> ms = ParseS3Timestamp(text);
  if (!ms.ok()) return DataLossError(std::string(source) + ": unreadable Expiration");
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(*ms));
}

bool IsAllowedPlainHost(std::string_view host) {
  in_addr v4{};
  if (inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1) {
    const uint32_t addr = ntohl(v4.s_addr);
    constexpr uint32_t kLoopbackNet = 0x7F000000u;   // 127.0.0.0/8
    constexpr uint32_t kEcsHost = 0xA9FEAA02u;       // 169.254.170.2
    constexpr uint32_t kEksHost = 0xA9FEAA17u;       // 169.254.170.23
    return (addr >> 24) == (kLoopbackNet >> 24) || addr == kEcsHost || addr == kEksHost;
  }
  return host == "localhost" || host == "[::1]" || host == "[fd00:ec2::23]";
}

}  // namespace

Result<Credentials> ParseCredentialsJson(std::string_view body, std::string_view source) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return DataLossError(std::string(source) + ": the answer is not a JSON object");
  }
  if (std::optional<std::string> code = JsonString(j, "Code"); code && *code != "Success") {
    return UnauthenticatedError(std::string(source) + ": credentials not available (Code " +
                                code->substr(0, 64) + ")");
  }
  Credentials c;
  std::optional<std::string> id = JsonString(j, "AccessKeyId");
  std::optional<std::string> secret = JsonString(j, "SecretAccessKey");
  if (!id || !secret || id->empty() || secret->empty()) {
    return DataLossError(std::string(source) + ": AccessKeyId or SecretAccessKey missing");
  }
  c.access_key_id = std::move(*id);
  c.secret_access_key = std::move(*secret);
  if (std::optional<std::string> token = JsonString(j, "Token"); token && !token->empty()) {
    c.session_token = std::move(*token);
  }
  if (std::optional<std::string> expiration = JsonString(j, "Expiration")) {
    STRATA_ASSIGN_OR_RETURN(c.expiration, ParseExpiration(*expiration, source));
  }
  return c;
}

Result<Credentials> ParseAssumeRoleWithWebIdentity(std::string_view body) {
  constexpr std::string_view kSource = "STS AssumeRoleWithWebIdentity";
  Result<XmlElement> doc = ParseXml(body);
  if (!doc.ok() || doc->name != "AssumeRoleWithWebIdentityResponse") {
    return DataLossError(std::string(kSource) + ": unexpected response document");
  }
  const XmlElement* result = doc->Child("AssumeRoleWithWebIdentityResult");
  const XmlElement* creds = result != nullptr ? result->Child("Credentials") : nullptr;
  if (creds == nullptr) return DataLossError(std::string(kSource) + ": no <Credentials>");
  Credentials c;
  c.access_key_id = std::string(creds->ChildText("AccessKeyId").value_or(""));
  c.secret_access_key = std::string(creds->ChildText("SecretAccessKey").value_or(""));
  if (std::optional<std::string_view> t = creds->ChildText("SessionToken")) {
    c.session_token = std::string(*t);
  }
  if (!c.complete() || !c.session_token.has_value()) {
    return DataLossError(std::string(kSource) + ": incomplete <Credentials>");
  }
  std::optional<std::string_view> expiration = creds->ChildText("Expiration");
  if (!expiration.has_value()) return DataLossError(std::string(kSource) + ": no <Expiration>");
  STRATA_ASSIGN_OR_RETURN(c.expiration, ParseExpiration(*expiration, kSource));
  return c;
}

Result<Credentials> FetchWebIdentityCredentials(HttpTransport& transport,
                                                const WebIdentityConfig& config,
                                                const AwsEnvironment& env,
                                                const storage::CallOptions& call) {
  const std::string source = "STS AssumeRoleWithWebIdentity at " + config.sts_endpoint +
                             " (role " + config.role_arn + ")";
  STRATA_ASSIGN_OR_RETURN(std::string token,
                          ReadToken(env, config.token_file, "web identity token file"));
  std::string session = config.session_name;
  if (session.empty()) {
    session = "strata-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  }
  // A form body, not a query string: the token stays out of URLs and access logs.
  const std::string body = "Action=AssumeRoleWithWebIdentity&Version=" +
                           std::string(kStsApiVersion) +
                           "&RoleArn=" + UriEncode(config.role_arn, false) +
                           "&RoleSessionName=" + UriEncode(session, false) +
                           "&WebIdentityToken=" + UriEncode(token, false);
  std::string url = config.sts_endpoint;
  while (url.ends_with('/')) url.pop_back();
  HttpRequest r = Request("POST", url + "/");
  r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  r.headers.push_back({"Accept", "application/xml"});
  STRATA_ASSIGN_OR_RETURN(HttpResponse response,
                          transport.Send(r, body, Limits(call, kCredentialsRequestTimeout)));
  if (response.status != 200) {
    // STS wraps <Error> in <ErrorResponse>; keep only the code (the message may echo
    // parts of the token).
    std::string code;
    if (Result<XmlElement> doc = ParseXml(response.body); doc.ok()) {
      const XmlElement* error = doc->name == "Error" ? &*doc : doc->Child("Error");
      if (error != nullptr) code = std::string(error->ChildText("Code").value_or(""));
    }
    if (code == "IDPCommunicationError" || code == "Throttling") {
      return UnavailableError(source + ": " + code);
    }
    return FromHttpStatus(response.status, source, code.substr(0, 64));
  }
  Result<Credentials> c = ParseAssumeRoleWithWebIdentity(response.body);
  if (!c.ok()) return c.status().WithContext(source);
  return c;
}

Status ValidateContainerUrl(std::string_view url) {
  const std::size_t sep = url.find("://");
  const std::string_view scheme = url.substr(0, sep);
  if (sep == std::string_view::npos || (scheme != "http" && scheme != "https")) {
    return InvalidArgumentError("container credentials URL must be http:// or https://");
  }
  if (scheme == "https") return OkStatus();
  std::string_view authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find('/'));
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (IsAllowedPlainHost(host)) return OkStatus();
  return InvalidArgumentError(
      "container credentials URL over plain http must point at a loopback address or the "
      "ECS/EKS credentials host, not \"" + std::string(host) + "\"; use https");
}

Result<Credentials> FetchContainerCredentials(HttpTransport& transport,
                                              const ContainerConfig& config,
                                              const AwsEnvironment& env,
                                              const storage::CallOptions& call) {
  const std::string source = "container credentials endpoint " +
                             std::string(UrlWithoutQuery(config.url));
  STRATA_RETURN_IF_ERROR(ValidateContainerUrl(config.url));
  HttpRequest r = Request("GET", config.url);
  std::optional<std::string> token = config.token;
  if (config.token_file.has_value()) {
    STRATA_ASSIGN_OR_RETURN(token, ReadToken(env, *config.token_file, "container token file"));
  }
  if (token.has_value()) r.headers.push_back({"Authorization", *token});
  STRATA_ASSIGN_OR_RETURN(HttpResponse response,
                          transport.Send(r, "", Limits(call, kCredentialsRequestTimeout)));
  if (response.status != 200) return FromHttpStatus(response.status, source);
  return ParseCredentialsJson(response.body, source);
}

Result<Credentials> FetchImdsCredentials(HttpTransport& transport, std::string_view endpoint,
                                         const storage::CallOptions& call) {
  std::string base(endpoint);
  while (base.ends_with('/')) base.pop_back();
  const std::string source = "EC2 instance metadata at " + base;
  const TransportCallOptions limits = Limits(call, kImdsRequestTimeout);

  HttpRequest token_request = Request("PUT", base + "/latest/api/token");
  token_request.headers.push_back(
      {"X-aws-ec2-metadata-token-ttl-seconds", std::string(kImdsTokenTtlSeconds)});
  Result<HttpResponse> token = transport.Send(token_request, "", limits);
  if (!token.ok()) {
    if (token.status().code() == StatusCode::kCancelled) return token.status();
    // Off EC2 nothing answers here. IMDS is the last source of the chain, so this means no
    // credentials were found anywhere: say so rather than report a network error to retry.
    return UnauthenticatedError(
        "no AWS credentials found: none in the options, the environment or the shared "
        "files, and " + source + " did not answer (" + token.status().message() + ")");
  }
  if (token->status != 200) return FromHttpStatus(token->status, source, "session token");
  const std::string session = token->body;

  HttpRequest role_request = Request("GET", base + std::string(kImdsCredentialsPath));
  role_request.headers.push_back({"X-aws-ec2-metadata-token", session});
  STRATA_ASSIGN_OR_RETURN(HttpResponse role, transport.Send(role_request, "", limits));
  if (role.status == 404) {
    return UnauthenticatedError(source + ": the instance has no IAM role attached");
  }
  if (role.status != 200) return FromHttpStatus(role.status, source, "role name");
  std::string name = role.body.substr(0, role.body.find('\n'));
  while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
  if (name.empty()) return UnauthenticatedError(source + ": no IAM role name");

  HttpRequest creds_request =
      Request("GET", base + std::string(kImdsCredentialsPath) + UriEncode(name, false));
  creds_request.headers.push_back({"X-aws-ec2-metadata-token", session});
  STRATA_ASSIGN_OR_RETURN(HttpResponse creds, transport.Send(creds_request, "", limits));
  if (creds.status != 200) return FromHttpStatus(creds.status, source, "role credentials");
  return ParseCredentialsJson(creds.body, source);
}

}  // namespace strata::s3
