// Runs the signer over AWS's published SigV4 vectors in tests/testdata/sigv4 (see the
// README there): the generic test suite in both its editions and the S3 API Reference
// examples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "storage/s3/digest.h"
#include "storage/s3/sigv4.h"

namespace strata::s3 {
namespace {

namespace fs = std::filesystem;
using std::chrono::sys_days;
using std::chrono::system_clock;
using namespace std::chrono_literals;

const fs::path kDir = fs::path(STRATA_TESTDATA_DIR) / "sigv4";

// 2015-08-30T12:36:00Z, the time of the generic suite.
const system_clock::time_point kSuiteTime =
    sys_days(std::chrono::year(2015) / 8 / 30) + 12h + 36min;
// 2013-05-24T00:00:00Z, the time of the S3 examples.
const system_clock::time_point kS3Time = sys_days(std::chrono::year(2013) / 5 / 24);

const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                    std::nullopt, std::nullopt};
const Credentials kS3Credentials{"AKIAIOSFODNN7EXAMPLE",
                                 "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", std::nullopt,
                                 std::nullopt};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << p;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// How a line that starts with blanks (an obsolete folded header line) is read: the two
// editions of the suite disagree.
enum class Folding { kNewValue, kContinueValue };

struct ParsedRequest {
  std::string method;
  std::string path;
  std::vector<QueryParam> query;
  std::vector<HttpHeader> headers;
  std::string body;
};

ParsedRequest ParseReq(const std::string& text, Folding folding) {
  ParsedRequest r;
  std::string head = text;
  if (std::size_t blank = text.find("\n\n"); blank != std::string::npos) {
    head = text.substr(0, blank);
    r.body = text.substr(blank + 2);
  }
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  // The target may hold blanks ("GET /example space/ HTTP/1.1").
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  r.method = line.substr(0, first);
  const std::string target = line.substr(first + 1, last - first - 1);
  const std::size_t qmark = target.find('?');
  r.path = target.substr(0, qmark);
  if (qmark != std::string::npos) {
    std::istringstream q(target.substr(qmark + 1));
    std::string pair;
    while (std::getline(q, pair, '&')) {
      const std::size_t eq = pair.find('=');
      r.query.push_back({PercentDecode(pair.substr(0, eq)),
                         eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1))});
    }
  }
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t') {
      const std::string value = line.substr(line.find_first_not_of(" \t"));
      if (folding == Folding::kNewValue) {
        r.headers.push_back({r.headers.back().name, value});
      } else {
        r.headers.back().value += " " + value;
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    r.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  return r;
}

// Removes header `name` (any case) and returns its value, or "" if absent.
std::string TakeHeader(ParsedRequest& r, std::string_view name) {
  std::string value;
  for (auto it = r.headers.begin(); it != r.headers.end();) {
    std::string lower = it->name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) {
      value = it->value;
      it = r.headers.erase(it);
    } else {
      ++it;
    }
  }
  return value;
}

std::vector<fs::path> FindFiles(const fs::path& root, std::string_view extension) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == extension) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string RemoveBlanksAfterCommas(std::string s) {
  for (std::size_t pos; (pos = s.find(", ")) != std::string::npos;) s.erase(pos + 1, 1);
  return s;
}

TEST(SigV4VectorsTest, Aws2017SuiteWithGenericUriRules) {
  const std::vector<fs::path> reqs = FindFiles(kDir / "aws-sig-v4-test-suite", ".req");
  ASSERT_EQ(reqs.size(), 31u);
  for (const fs::path& req : reqs) {
    SCOPED_TRACE(req.stem().string());
    ParsedRequest r = ParseReq(ReadFile(req), Folding::kNewValue);
    EXPECT_EQ(TakeHeader(r, "x-amz-date"), "20150830T123600Z");
    Credentials credentials = kSuiteCredentials;
    SignerConfig config{.region = "us-east-1",
                        .service = "service",
                        .uri_encoding = UriEncoding::kDoubleEncode,
                        .add_content_sha256_header = false};
    if (std::string token = TakeHeader(r, "x-amz-security-token"); !token.empty()) {
      credentials.session_token = token;
    }
    if (req.stem() == "post-sts-header-after") {
      // The token of post-sts-header-before, sent but not signed.
      ParsedRequest before =
          ParseReq(ReadFile(req.parent_path().parent_path() / "post-sts-header-before" /
                            "post-sts-header-before.req"),
                   Folding::kNewValue);
      credentials.session_token = TakeHeader(before, "x-amz-security-token");
      config.sign_session_token = false;
    }
    SigningRequest request{r.method, r.path, r.query, r.headers, Sha256Hex(r.body)};
    Result<SigningResult> signed_request = SignRequest(request, config, credentials, kSuiteTime);
    ASSERT_TRUE(signed_request.ok()) << signed_request.status().ToString();
    fs::path base = req;
    EXPECT_EQ(signed_request->canonical_request, ReadFile(base.replace_extension(".creq")));
    EXPECT_EQ(signed_request->string_to_sign, ReadFile(base.replace_extension(".sts")));
    EXPECT_EQ(signed_request->authorization, ReadFile(base.replace_extension(".authz")));
    if (credentials.session_token.has_value()) {
      EXPECT_EQ(signed_request->headers.back(),
                (HttpHeader{"x-amz-security-token", *credentials.session_token}));
    }
  }
}

// Reads a boolean or string member of the flat context.json of aws-c-auth.
std::string JsonMember(const std::string& json, const std::string& name) {
  const std::size_t key = json.find("\"" + name + "\"");
  if (key == std::string::npos) return "";
  std::size_t start = json.find_first_not_of(" :", key + name.size() + 2);
  if (json[start] == '"') return json.substr(start + 1, json.find('"', start + 1) - start - 1);
  return json.substr(start, json.find_first_of(",\n}", start) - start);
}

TEST(SigV4VectorsTest, AwsCAuthSuiteHeaderAndQuerySigning) {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(kDir / "aws-c-auth-v4")) {
    if (!entry.is_directory()) continue;
    const fs::path dir = entry.path();
    SCOPED_TRACE(dir.filename().string());
    ++cases;
    const std::string context = ReadFile(dir / "context.json");
    ParsedRequest r = ParseReq(ReadFile(dir / "request.txt"), Folding::kContinueValue);
    Credentials credentials = kSuiteCredentials;
    if (std::string token = JsonMember(context, "token"); !token.empty()) {
      credentials.session_token = token;
    }
    const bool normalize = JsonMember(context, "normalize") == "true";
    // Unnormalised cases hold no '%' in their paths, so encoding once (kS3) and
    // encoding the wire path again give the same canonical URI.
    ASSERT_TRUE(normalize || r.path.find('%') == std::string::npos);
    SignerConfig config{
        .region = "us-east-1",
        .service = "service",
        .uri_encoding = normalize ? UriEncoding::kDoubleEncode : UriEncoding::kS3,
        .add_content_sha256_header = JsonMember(context, "sign_body") == "true",
        .sign_session_token = JsonMember(context, "omit_session_token") != "true"};

    SigningRequest request{r.method, r.path, r.query, r.headers, Sha256Hex(r.body)};
    Result<SigningResult> header = SignRequest(request, config, credentials, kSuiteTime);
    ASSERT_TRUE(header.ok()) << header.status().ToString();
    EXPECT_EQ(header->canonical_request, ReadFile(dir / "header-canonical-request.txt"));
    EXPECT_EQ(header->string_to_sign, ReadFile(dir / "header-string-to-sign.txt"));
    EXPECT_EQ(header->signature, ReadFile(dir / "header-signature.txt"));

    PresignRequest presign{r.method, r.path, r.query, r.headers, 3600s, Sha256Hex(r.body)};
    Result<PresignResult> query = Presign(presign, config, credentials, kSuiteTime);
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    EXPECT_EQ(query->canonical_request, ReadFile(dir / "query-canonical-request.txt"));
    EXPECT_EQ(query->string_to_sign, ReadFile(dir / "query-string-to-sign.txt"));
    EXPECT_EQ(query->signature, ReadFile(dir / "query-signature.txt"));
  }
  EXPECT_EQ(cases, 38);
}

TEST(SigV4VectorsTest, S3DocumentationHeaderExamples) {
  const std::vector<fs::path> reqs = FindFiles(kDir / "s3-examples", ".req");
  int cases = 0;
  for (const fs::path& req : reqs) {
    if (req.stem().string().starts_with("presigned")) continue;
    SCOPED_TRACE(req.stem().string());
    ++cases;
    ParsedRequest r = ParseReq(ReadFile(req), Folding::kNewValue);
    EXPECT_EQ(TakeHeader(r, "x-amz-date"), "20130524T000000Z");
    const std::string payload_hash = TakeHeader(r, "x-amz-content-sha256");
    EXPECT_EQ(payload_hash, Sha256Hex(r.body));
    SignerConfig config{.region = "us-east-1"};
    SigningRequest request{r.method, r.path, r.query, r.headers, payload_hash};
    Result<SigningResult> signed_request = SignRequest(request, config, kS3Credentials, kS3Time);
    ASSERT_TRUE(signed_request.ok()) << signed_request.status().ToString();
    fs::path base = req;
    EXPECT_EQ(signed_request->canonical_request, ReadFile(base.replace_extension(".creq")));
    EXPECT_EQ(signed_request->string_to_sign, ReadFile(base.replace_extension(".sts")));
    EXPECT_EQ(RemoveBlanksAfterCommas(signed_request->authorization),
              ReadFile(base.replace_extension(".authz")));
  }
  EXPECT_EQ(cases, 4);
}

TEST(SigV4VectorsTest, S3DocumentationPresignedUrl) {
  const fs::path dir = kDir / "s3-examples" / "presigned-get-object";
  ParsedRequest r = ParseReq(ReadFile(dir / "presigned-get-object.req"), Folding::kNewValue);
  PresignRequest request{r.method, r.path, r.query, r.headers, 86400s};
  Result<PresignResult> url =
      Presign(request, SignerConfig{.region = "us-east-1"}, kS3Credentials, kS3Time);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->canonical_request, ReadFile(dir / "presigned-get-object.creq"));
  EXPECT_EQ(url->string_to_sign, ReadFile(dir / "presigned-get-object.sts"));
  EXPECT_EQ(url->signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_EQ("https://examplebucket.s3.amazonaws.com" + r.path + "?" + url->query_string,
            ReadFile(dir / "presigned-get-object.url"));
}

}  // namespace
}  // namespace strata::s3
