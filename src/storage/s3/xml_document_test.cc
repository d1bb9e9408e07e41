#include "storage/s3/xml_document.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace strata::s3 {
namespace {

namespace fs = std::filesystem;

StatusCode CodeOf(std::string_view body, const XmlLimits& limits = {}) {
  return ParseXml(body, limits).status().code();
}

TEST(XmlDocumentTest, ParsesTreeTextAndAttributes) {
  Result<XmlElement> doc = ParseXml(
      "<?xml version=\"1.0\"?>\n<!-- c --><r a='1' xmlns:p=\"u\"><p:x>t&amp;u</p:x>"
      "<y/><x>2</x><z> keep  blanks </z></r>\n");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->name, "r");
  ASSERT_EQ(doc->attributes.size(), 2u);
  EXPECT_EQ(doc->attributes[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(doc->attributes[1].first, "xmlns:p");
  ASSERT_EQ(doc->children.size(), 4u);
  EXPECT_EQ(doc->ChildText("x"), "t&u");
  EXPECT_EQ(doc->Children("x").size(), 2u);
  EXPECT_EQ(doc->Children("x")[1]->text, "2");
  EXPECT_EQ(doc->ChildText("y"), "");
  EXPECT_EQ(doc->ChildText("z"), " keep  blanks ");
  EXPECT_EQ(doc->Child("missing"), nullptr);
  EXPECT_EQ(doc->ChildText("missing"), std::nullopt);
}

TEST(XmlDocumentTest, DecodesReferences) {
  Result<XmlElement> doc =
      ParseXml("<k>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#X43;&#233;&#x1F600;&#x1;</k>");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->text, "<>&\"'ABC\xC3\xA9\xF0\x9F\x98\x80\x01");
}

TEST(XmlDocumentTest, NormalizesLiteralLineEndsButNotReferences) {
  Result<XmlElement> doc = ParseXml("<k>a\r\nb\rc&#13;d</k>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->text, "a\nb\nc\rd");
}

TEST(XmlDocumentTest, CdataIsRawText) {
  Result<XmlElement> doc = ParseXml("<k>a<![CDATA[<b>&amp;]]]]>c</k>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->text, "a<b>&amp;]]c");
}

TEST(XmlDocumentTest, SkipsBomAndLeadingBlanks) {
  EXPECT_TRUE(ParseXml("\xEF\xBB\xBF<a/>").ok());
  EXPECT_TRUE(ParseXml(" \r\n\t <?xml version='1.0'?><a/> \n").ok());
}

TEST(XmlDocumentTest, PassesUtf8Through) {
  Result<XmlElement> doc = ParseXml("<Key>données/日本語/😀</Key>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->text, "données/日本語/😀");
}

TEST(XmlDocumentTest, RejectsMalformedInputWithDataLoss) {
  for (std::string_view bad : {
           "", "   ", "text", "<", "<a", "<a>", "<a></b>", "<a></a><b/>", "<a/>junk",
           "</a>", "<a><b></a></b>", "<a x=1/>", "<a x='1/>", "<a x/>", "<a =\"v\"/>",
           "<a>&bogus;</a>", "<a>&amp</a>", "<a>&#0;</a>", "<a>&#xD800;</a>",
           "<a>&#x110000;</a>", "<a>&#xZZ;</a>", "<a>&#;</a>", "<a>&#x;</a>",
           "<1a/>", "<-a/>", "<a:/>", "<a><!-- x</a>", "<?xml", "<a><![CDATA[x</a>",
           "<!DOCTYPE a [<!ENTITY e 'boom'>]><a>&e;</a>", "<a x='<'/>", "<a>&#99999999999;</a>",
       }) {
    EXPECT_EQ(CodeOf(bad), StatusCode::kDataLoss) << "input: " << bad;
  }
}

TEST(XmlDocumentTest, ErrorMessagesDoNotQuoteTheBody) {
  Status s = ParseXml("<a>secret-value&bogus;</a>").status();
  EXPECT_EQ(s.message().find("secret-value"), std::string::npos);
  EXPECT_NE(s.message().find("byte"), std::string::npos);
}

TEST(XmlDocumentTest, EnforcesLimitsWithoutRecursing) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_EQ(CodeOf(deep), StatusCode::kResourceExhausted);
  std::string wide = "<r>";
  for (int i = 0; i < 100; ++i) wide += "<e/>";
  wide += "</r>";
  EXPECT_EQ(CodeOf(wide, XmlLimits{.max_elements = 50}), StatusCode::kResourceExhausted);
  EXPECT_TRUE(ParseXml(wide, XmlLimits{.max_elements = 101}).ok());
  EXPECT_EQ(CodeOf(wide, XmlLimits{.max_bytes = 10}), StatusCode::kResourceExhausted);
}

TEST(XmlDocumentTest, EscapeRoundTrips) {
  const std::string value = "a&b<c>d\"e'f\rg\n\th é";
  EXPECT_EQ(XmlEscape("a&b<c>\"'\r"), "a&amp;b&lt;c&gt;&quot;&apos;&#13;");
  Result<XmlElement> doc =
      ParseXml("<v a=\"" + XmlEscape(value) + "\">" + XmlEscape(value) + "</v>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->text, value);
  EXPECT_EQ(doc->attributes[0].second, value);
}

std::vector<std::string> Samples() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(STRATA_TESTDATA_DIR) / "s3")) {
    if (e.path().extension() != ".xml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

// Every sample parses; every truncation before the root closes fails with DataLoss.
TEST(XmlDocumentTest, TruncatedSamplesFailCleanly) {
  const std::vector<std::string> samples = Samples();
  ASSERT_GE(samples.size(), 10u);
  for (const std::string& sample : samples) {
    ASSERT_TRUE(ParseXml(sample).ok()) << sample;
    const std::size_t root_end = sample.rfind('>') + 1;
    for (std::size_t n = 0; n < root_end; ++n) {
      ASSERT_EQ(CodeOf(std::string_view(sample).substr(0, n)), StatusCode::kDataLoss)
          << "prefix of " << n << " bytes of:\n" << sample;
    }
  }
}

// Random corruption of real bodies and random bytes: any outcome but a crash, and errors
// only of the documented codes. Deterministic seed, so failures reproduce.
TEST(XmlDocumentTest, GarbageNeverCrashes) {
  std::mt19937 rng(20240301);
  const std::vector<std::string> samples = Samples();
  using namespace std::string_literals;
  const std::string alphabet = "<>/!?[]-&#;x=\"' \n\tabcXYZ019:\xC3\xA9\0"s;
  auto check = [](std::string_view input) {
    Result<XmlElement> r = ParseXml(input);
    if (!r.ok()) {
      EXPECT_TRUE(r.status().code() == StatusCode::kDataLoss ||
                  r.status().code() == StatusCode::kResourceExhausted)
          << r.status().ToString();
    }
  };
  for (int round = 0; round < 20000; ++round) {
    std::string s = samples[rng() % samples.size()];
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(at, 1 + rng() % 16); break;
        default: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    check(s);
  }
  for (int round = 0; round < 5000; ++round) {
    std::string s(rng() % 200, '\0');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    check(s);
  }
}

}  // namespace
}  // namespace strata::s3
