#include "storage/s3/xml_document.h"

#include <cstdint>

namespace strata::s3 {
namespace {

// Longest entity or character reference we accept between '&' and ';' ("#x10FFFF").
constexpr std::size_t kMaxReferenceLength = 10;
constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsNameChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '-' || c == '.';
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Parses the number of a character reference ("#65", "#x41"); nullopt if malformed or
// not a code point we can emit (NUL, surrogates, beyond U+10FFFF). Control characters
// are accepted: S3 writes them as references in keys.
std::optional<uint32_t> ParseCharRef(std::string_view ref) {
  const bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
  std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty()) return std::nullopt;
  uint32_t cp = 0;
  for (char c : digits) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) return std::nullopt;
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    if (cp > kMaxCodePoint) return std::nullopt;
  }
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return cp;
}

class Parser {
 public:
  Parser(std::string_view in, const XmlLimits& limits) : in_(in), limits_(limits) {}

  Result<XmlElement> Run() {
    if (in_.size() > limits_.max_bytes) {
      return ResourceExhaustedError("XML body of " + std::to_string(in_.size()) +
                                    " bytes exceeds the limit of " +
                                    std::to_string(limits_.max_bytes));
    }
    if (in_.starts_with(kUtf8Bom)) pos_ = kUtf8Bom.size();
    while (pos_ < in_.size()) {
      Status s = in_[pos_] == '<' ? Markup() : Text();
      if (!s.ok()) return s;
    }
    if (!stack_.empty()) return Malformed("truncated: <" + stack_.back().name + "> not closed");
    if (!root_.has_value()) return Malformed("no root element");
    return std::move(*root_);
  }

 private:
  Status Malformed(const std::string& what) const {
    return DataLossError("malformed XML at byte " + std::to_string(pos_) + ": " + what);
  }

  bool Consume(std::string_view token) {
    if (!in_.substr(pos_).starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  // Skips to just after `terminator`; false if the input ends first.
  bool SkipPast(std::string_view terminator, std::string_view* skipped = nullptr) {
    const std::size_t end = in_.find(terminator, pos_);
    if (end == std::string_view::npos) return false;
    if (skipped != nullptr) *skipped = in_.substr(pos_, end - pos_);
    pos_ = end + terminator.size();
    return true;
  }

  void SkipBlanks() {
    while (pos_ < in_.size() && IsBlank(in_[pos_])) ++pos_;
  }

  std::string_view Name() {
    const std::size_t start = pos_;
    while (pos_ < in_.size() && IsNameChar(in_[pos_])) ++pos_;
    std::string_view name = in_.substr(start, pos_ - start);
    if (!name.empty() && (name[0] == '-' || name[0] == '.' || (name[0] >= '0' && name[0] <= '9'))) {
      return {};
    }
    return name;
  }

  // Appends `raw` to `out`, decoding references and normalising line ends.
  Status Decode(std::string_view raw, std::string& out) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '\r') {
        out.push_back('\n');
        if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
        continue;
      }
      if (c != '&') {
        out.push_back(c);
        continue;
      }
      const std::size_t semi = raw.find(';', i + 1);
      if (semi == std::string_view::npos || semi - i - 1 > kMaxReferenceLength) {
        return Malformed("'&' without a reference");
      }
      const std::string_view ref = raw.substr(i + 1, semi - i - 1);
      if (ref == "lt") {
        out.push_back('<');
      } else if (ref == "gt") {
        out.push_back('>');
      } else if (ref == "amp") {
        out.push_back('&');
      } else if (ref == "quot") {
        out.push_back('"');
      } else if (ref == "apos") {
        out.push_back('\'');
      } else if (ref.starts_with('#')) {
        std::optional<uint32_t> cp = ParseCharRef(ref);
        if (!cp.has_value()) return Malformed("invalid character reference");
        AppendUtf8(*cp, out);
      } else {
        return Malformed("unknown entity reference");
      }
      i = semi;
    }
    return OkStatus();
  }

  Status Text() {
    std::size_t end = in_.find('<', pos_);
    if (end == std::string_view::npos) end = in_.size();
    const std::string_view raw = in_.substr(pos_, end - pos_);
    if (stack_.empty()) {
      for (char c : raw) {
        if (!IsBlank(c)) return Malformed("text outside the root element");
      }
      pos_ = end;
      return OkStatus();
    }
    Status s = Decode(raw, stack_.back().text);
    pos_ = end;
    return s;
  }

  Status Markup() {
    if (Consume("<?")) {
      return SkipPast("?>") ? OkStatus() : Malformed("unterminated processing instruction");
    }
    if (Consume("<!--")) return SkipPast("-->") ? OkStatus() : Malformed("unterminated comment");
    if (Consume("<![CDATA[")) {
      if (stack_.empty()) return Malformed("CDATA outside the root element");
      std::string_view data;
      if (!SkipPast("]]>", &data)) return Malformed("unterminated CDATA section");
      stack_.back().text.append(data);
      return OkStatus();
    }
    if (in_.substr(pos_).starts_with("<!")) {
      return Malformed("DOCTYPE and declarations not supported");
    }
    if (Consume("</")) return EndTag();
    ++pos_;  // '<'
    return StartTag();
  }

  Status StartTag() {
    if (root_.has_value()) return Malformed("content after the root element");
    if (++elements_ > limits_.max_elements) {
      return ResourceExhaustedError("XML document has more than " +
                                    std::to_string(limits_.max_elements) + " elements");
    }
    if (stack_.size() >= static_cast<std::size_t>(limits_.max_depth)) {
      return ResourceExhaustedError("XML nesting deeper than " +
                                    std::to_string(limits_.max_depth));
    }
    const std::string_view qname = Name();
    if (qname.empty()) return Malformed("invalid tag name");
    XmlElement element;
    const std::size_t colon = qname.rfind(':');
    element.name = std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
    if (element.name.empty()) return Malformed("invalid tag name");
    qualified_.emplace_back(qname);
    for (;;) {
      SkipBlanks();
      if (Consume("/>")) {
        stack_.push_back(std::move(element));
        return CloseTop();
      }
      if (Consume(">")) {
        stack_.push_back(std::move(element));
        return OkStatus();
      }
      const std::size_t before = pos_;
      const std::string_view attr = Name();
      if (attr.empty() || pos_ == before) return Malformed("invalid attribute");
      SkipBlanks();
      if (!Consume("=")) return Malformed("attribute without '='");
      SkipBlanks();
      if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
        return Malformed("unquoted attribute value");
      }
      const char quote[2] = {in_[pos_++], '\0'};
      std::string_view raw;
      if (!SkipPast(quote, &raw)) return Malformed("unterminated attribute value");
      if (raw.find('<') != std::string_view::npos) return Malformed("'<' in attribute value");
      std::string value;
      STRATA_RETURN_IF_ERROR(Decode(raw, value));
      element.attributes.emplace_back(std::string(attr), std::move(value));
    }
  }

  Status EndTag() {
    const std::string_view qname = Name();
    SkipBlanks();
    if (!Consume(">")) return Malformed("invalid end tag");
    if (stack_.empty() || qname != qualified_.back()) return Malformed("mismatched end tag");
    return CloseTop();
  }

  Status CloseTop() {
    XmlElement done = std::move(stack_.back());
    stack_.pop_back();
    qualified_.pop_back();
    if (stack_.empty()) {
      root_ = std::move(done);
    } else {
      stack_.back().children.push_back(std::move(done));
    }
    return OkStatus();
  }

  std::string_view in_;
  const XmlLimits& limits_;
  std::size_t pos_ = 0;
  std::size_t elements_ = 0;
  std::vector<XmlElement> stack_;        // open elements, innermost last
  std::vector<std::string> qualified_;   // their tag names as written, for end-tag matching
  std::optional<XmlElement> root_;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& c : children) {
    if (c.name == child_name) out.push_back(&c);
  }
  return out;
}

std::optional<std::string_view> XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* c = Child(child_name);
  if (c == nullptr) return std::nullopt;
  return std::string_view(c->text);
}

Result<XmlElement> ParseXml(std::string_view body, const XmlLimits& limits) {
  return Parser(body, limits).Run();
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace strata::s3
