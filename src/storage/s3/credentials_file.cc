#include "storage/s3/credentials_file.h"

#include <map>
#include <utility>
#include <vector>

#include "core/text.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kCredentialsLabel = "AWS credentials file";
constexpr std::string_view kConfigLabel = "AWS config file";

struct Entry {
  std::string key;
  std::string value;  // a nested block starts with '\n'
  std::size_t indent = 0;
};

struct Section {
  std::string name;
  std::vector<Entry> entries;

  const std::string* Get(std::string_view key) const {
    for (const Entry& e : entries) {
      if (e.key == key) return &e.value;
    }
    return nullptr;
  }
};

Status LineError(std::string_view label, std::size_t line, std::string_view what) {
  // Never the line itself: it may hold a secret.
  return InvalidArgumentError(std::string(label) + " line " + std::to_string(line) + ": " +
                              std::string(what));
}

Result<std::vector<Section>> ParseIni(std::string_view text, std::string_view label) {
  std::vector<Section> sections;
  Entry* current = nullptr;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const std::string_view stripped = TrimBlanks(line);
    if (stripped.empty() || stripped.front() == '#' || stripped.front() == ';') continue;
    const std::size_t indent = line.find_first_not_of(" \t");
    if (indent > 0 && current != nullptr && indent > current->indent) {
      current->value += '\n';
      current->value += stripped;
      continue;
    }
    current = nullptr;
    if (stripped.front() == '[') {
      const std::size_t close = stripped.rfind(']');
      const std::string_view name = close == std::string_view::npos
                                        ? std::string_view()
                                        : TrimBlanks(stripped.substr(1, close - 1));
      if (name.empty()) return LineError(label, line_no, "malformed section header");
      for (const Section& s : sections) {
        if (s.name == name) return LineError(label, line_no, "duplicate section");
      }
      sections.push_back(Section{std::string(name), {}});
      continue;
    }
    const std::size_t delim = stripped.find_first_of("=:");
    if (delim == std::string_view::npos) return LineError(label, line_no, "expected key = value");
    const std::string key = AsciiLower(TrimBlanks(stripped.substr(0, delim)));
    if (key.empty()) return LineError(label, line_no, "empty key");
    if (sections.empty()) return LineError(label, line_no, "key outside a [section]");
    Section& section = sections.back();
    if (section.Get(key) != nullptr) return LineError(label, line_no, "duplicate key " + key);
    section.entries.push_back(Entry{key, std::string(TrimBlanks(stripped.substr(delim + 1))), indent});
    current = &section.entries.back();
  }
  return sections;
}

// "s3 =\n  endpoint_url = x\n  addressing_style = path" -> {endpoint_url: x, ...}.
std::map<std::string, std::string> ParseNested(std::string_view value) {
  std::map<std::string, std::string> out;
  while (!value.empty()) {
    const std::size_t nl = value.find('\n');
    const std::string_view line = value.substr(0, nl);
    value = nl == std::string_view::npos ? std::string_view() : value.substr(nl + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out[AsciiLower(TrimBlanks(line.substr(0, eq)))] = std::string(TrimBlanks(line.substr(eq + 1)));
  }
  return out;
}

std::optional<std::string> NestedValue(const Section* s, std::string_view block,
                                       const std::string& key) {
  if (s == nullptr) return std::nullopt;
  const std::string* v = s->Get(block);
  if (v == nullptr || !v->starts_with('\n')) return std::nullopt;
  std::map<std::string, std::string> nested = ParseNested(*v);
  auto it = nested.find(key);
  if (it == nested.end()) return std::nullopt;
  return it->second;
}

const Section* Find(const std::vector<Section>& sections, std::string_view name) {
  for (const Section& s : sections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The profile name of config-file section `name`, or nullopt for other sections.
std::optional<std::string> ConfigProfileName(std::string_view name) {
  if (name == kDefaultProfile) return std::string(kDefaultProfile);
  constexpr std::string_view kPrefix = "profile";
  if (!name.starts_with(kPrefix) || name.size() == kPrefix.size() ||
      !IsAsciiBlank(name[kPrefix.size()])) {
    return std::nullopt;
  }
  std::string_view rest = TrimBlanks(name.substr(kPrefix.size()));
  if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') &&
      rest.back() == rest.front()) {
    rest = rest.substr(1, rest.size() - 2);
  }
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

const Section* FindConfigProfile(const std::vector<Section>& sections, std::string_view profile) {
  const Section* plain_default = nullptr;
  for (const Section& s : sections) {
    if (ConfigProfileName(s.name) != profile) continue;
    if (s.name != kDefaultProfile) return &s;  // "[profile default]" wins over "[default]"
    plain_default = &s;
  }
  return plain_default;
}

std::optional<std::string> Value(const Section* s, std::string_view key) {
  if (s == nullptr) return std::nullopt;
  const std::string* v = s->Get(key);
  if (v == nullptr) return std::nullopt;
  return *v;
}

// Credentials from one file's section: nullopt if it has neither key.
Result<std::optional<Credentials>> CredentialsFrom(const Section* s, std::string_view label,
                                                   std::string_view profile) {
  std::optional<std::string> id = Value(s, "aws_access_key_id");
  std::optional<std::string> secret = Value(s, "aws_secret_access_key");
  if (!id.has_value() && !secret.has_value()) return std::optional<Credentials>();
  if (!id.has_value() || !secret.has_value() || id->empty() || secret->empty()) {
    return InvalidArgumentError(std::string(label) + ", profile \"" + std::string(profile) +
                                "\": aws_access_key_id and aws_secret_access_key must be set "
                                "together");
  }
  Credentials c{*id, *secret, Value(s, "aws_session_token"), std::nullopt};
  if (!c.session_token.has_value()) c.session_token = Value(s, "aws_security_token");
  return std::optional<Credentials>(std::move(c));
}

std::string KnownProfiles(const std::vector<Section>& creds, const std::vector<Section>& config) {
  std::vector<std::string> names;
  auto add = [&names](std::string n) {
    for (const std::string& seen : names) {
      if (seen == n) return;
    }
    names.push_back(std::move(n));
  };
  for (const Section& s : creds) add(s.name);
  for (const Section& s : config) {
    if (std::optional<std::string> n = ConfigProfileName(s.name)) add(*n);
  }
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ProfileSettings& s) {
  auto opt = [](const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : "<none>"; };
  return os << "ProfileSettings{name=\"" << s.name << "\", credentials="
            << (s.credentials ? s.credentials->Redacted() : "<none>")
            << ", region=" << opt(s.region) << ", endpoint_url=" << opt(s.endpoint_url)
            << ", s3_endpoint_url=" << opt(s.s3_endpoint_url)
            << ", s3_addressing_style=" << opt(s.s3_addressing_style)
            << ", role_arn=" << opt(s.role_arn) << ", source_profile=" << opt(s.source_profile)
            << ", role_session_name=" << opt(s.role_session_name)
            << ", web_identity_token_file=" << opt(s.web_identity_token_file)
            << ", credential_process=" << (s.credential_process ? "<set>" : "<none>") << "}";
}

Result<ProfileSettings> LoadProfile(std::string_view profile, const SharedConfigContents& files) {
  std::vector<Section> creds;
  std::vector<Section> config;
  if (files.credentials_file.has_value()) {
    STRATA_ASSIGN_OR_RETURN(creds, ParseIni(*files.credentials_file, kCredentialsLabel));
  }
  if (files.config_file.has_value()) {
    STRATA_ASSIGN_OR_RETURN(config, ParseIni(*files.config_file, kConfigLabel));
  }
  const Section* cred_section = Find(creds, profile);
  const Section* config_section = FindConfigProfile(config, profile);
  if (cred_section == nullptr && config_section == nullptr) {
    return NotFoundError("AWS profile \"" + std::string(profile) +
                         "\" is in neither the credentials nor the config file; profiles: " +
                         KnownProfiles(creds, config));
  }
  ProfileSettings out;
  out.name = std::string(profile);
  STRATA_ASSIGN_OR_RETURN(out.credentials,
                          CredentialsFrom(cred_section, kCredentialsLabel, profile));
  if (!out.credentials.has_value()) {
    STRATA_ASSIGN_OR_RETURN(out.credentials,
                            CredentialsFrom(config_section, kConfigLabel, profile));
  }
  out.region = Value(config_section, "region");
  out.endpoint_url = Value(config_section, "endpoint_url");
  out.role_arn = Value(config_section, "role_arn");
  out.source_profile = Value(config_section, "source_profile");
  out.role_session_name = Value(config_section, "role_session_name");
  out.web_identity_token_file = Value(config_section, "web_identity_token_file");
  out.credential_process = Value(config_section, "credential_process");
  out.s3_addressing_style = NestedValue(config_section, "s3", "addressing_style");
  if (std::optional<std::string> services = Value(config_section, "services")) {
    const Section* svc = Find(config, "services " + *services);
    out.s3_endpoint_url = NestedValue(svc, "s3", "endpoint_url");
  }
  return out;
}

}  // namespace strata::s3
