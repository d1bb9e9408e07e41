#include "kafka/java_properties.h"

#include <fmt/format.h>

#include <cctype>
#include <regex>
#include <set>
#include <sstream>

namespace strata::kafka {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\f\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\f\r");
  return s.substr(b, e - b + 1);
}

bool IsHex4(const std::string& s, size_t at) {
  if (at + 4 > s.size()) return false;
  for (size_t i = at; i < at + 4; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Java's escapes: \t \n \r \f, \uXXXX (BMP, as UTF-8), and \x = x.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'f': out.push_back('\f'); break;
      case 'u':
        if (IsHex4(s, i + 1)) {
          unsigned cp = static_cast<unsigned>(std::stoul(s.substr(i + 1, 4), nullptr, 16));
          i += 4;
          if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
        }
        break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> ParseJavaProperties(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string line = Trim(raw);
    // A line ending in an odd number of backslashes continues on the next one.
    while (!line.empty()) {
      size_t n = 0;
      while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
      if (n % 2 == 0) break;
      line.pop_back();
      std::string next;
      if (!std::getline(in, next)) break;
      ++line_no;
      line += Trim(next);
    }
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    size_t sep = std::string::npos;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') {
        ++i;
        continue;
      }
      if (line[i] == '=' || line[i] == ':' || line[i] == ' ' || line[i] == '\t') {
        sep = i;
        break;
      }
    }
    std::string key = sep == std::string::npos ? line : line.substr(0, sep);
    std::string value;
    if (sep != std::string::npos) {
      size_t v = line.find_first_not_of(" \t", sep);
      if (v != std::string::npos && (line[v] == '=' || line[v] == ':') && (line[sep] == ' ' || line[sep] == '\t')) ++v;
      else if (v == sep) ++v;
      value = v < line.size() ? Trim(line.substr(v)) : "";
    }
    for (size_t i = 0; i + 1 < value.size(); ++i) {
      if (value[i] == '\\' && value[i + 1] == 'u' && !IsHex4(value, i + 2)) {
        return InvalidArgumentError(fmt::format("properties line {}: malformed \\u escape", line_no));
      }
      if (value[i] == '\\') ++i;
    }
    out.emplace_back(Unescape(key), Unescape(value));
  }
  return out;
}

Result<TranslatedProperties> TranslateJavaProperties(
    const std::vector<std::pair<std::string, std::string>>& java, const std::string& file_name) {
  // Names that mean the same in both clients.
  static const std::set<std::string> kSame = {
      "security.protocol", "client.id", "ssl.key.password", "ssl.cipher.suites",
      "sasl.kerberos.service.name", "request.timeout.ms", "socket.connection.setup.timeout.ms",
      "metadata.max.age.ms", "reconnect.backoff.ms", "reconnect.backoff.max.ms", "retry.backoff.ms",
      "client.rack", "ssl.endpoint.identification.algorithm", "sasl.oauthbearer.token.endpoint.url",
      "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.scope",
  };
  TranslatedProperties t;
  auto fail = [&](const std::string& why) {
    return InvalidArgumentError(fmt::format("--command-config {}: {}", file_name, why));
  };
  for (const auto& [k, v] : java) {
    if (k == "bootstrap.servers") {
      t.bootstrap_servers = v;
    } else if (k == "sasl.mechanism") {
      t.librdkafka.emplace_back("sasl.mechanisms", v);
    } else if (k == "sasl.jaas.config") {
      // e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
      static const std::regex kUser(R"re(username\s*=\s*"((?:[^"\\]|\\.)*)")re");
      static const std::regex kPass(R"re(password\s*=\s*"((?:[^"\\]|\\.)*)")re");
      std::smatch user, pass;
      if (v.find("PlainLoginModule") == std::string::npos && v.find("ScramLoginModule") == std::string::npos) {
        return fail("sasl.jaas.config: only PlainLoginModule and ScramLoginModule (username/password) can be "
                    "translated; for OAUTHBEARER or GSSAPI set librdkafka properties with -X");
      }
      if (!std::regex_search(v, user, kUser) || !std::regex_search(v, pass, kPass)) {
        return fail("sasl.jaas.config: no username=\"...\" and password=\"...\" found");
      }
      // JAAS quoted strings take backslash escapes (\" is a quote).
      auto unquote = [](const std::string& q) {
        std::string out;
        for (size_t i = 0; i < q.size(); ++i) out.push_back(q[i] == '\\' && i + 1 < q.size() ? q[++i] : q[i]);
        return out;
      };
      t.librdkafka.emplace_back("sasl.username", unquote(user[1].str()));
      t.librdkafka.emplace_back("sasl.password", unquote(pass[1].str()));
    } else if (k == "ssl.truststore.type" || k == "ssl.keystore.type") {
      if (v != "PEM") {
        return fail(fmt::format("{}={}: librdkafka reads PEM files only; convert the store (keytool -importkeystore "
                                "and openssl) and point ssl.truststore.location/ssl.keystore.location at PEM files",
                                k, v));
      }
    } else if (k == "ssl.truststore.location") {
      t.librdkafka.emplace_back("ssl.ca.location", v);
    } else if (k == "ssl.keystore.location") {
      t.librdkafka.emplace_back("ssl.certificate.location", v);
      t.librdkafka.emplace_back("ssl.key.location", v);
    } else if (k == "ssl.truststore.certificates") {
      t.librdkafka.emplace_back("ssl.ca.pem", v);
    } else if (k == "ssl.keystore.certificate.chain") {
      t.librdkafka.emplace_back("ssl.certificate.pem", v);
    } else if (k == "ssl.keystore.key") {
      t.librdkafka.emplace_back("ssl.key.pem", v);
    } else if (k == "ssl.endpoint.identification.algorithm") {
      t.librdkafka.emplace_back(k, v.empty() ? "none" : v);
    } else if (kSame.count(k) != 0) {
      t.librdkafka.emplace_back(k, v);
    } else {
      t.skipped.push_back(k);
    }
  }
  return t;
}

}  // namespace strata::kafka
