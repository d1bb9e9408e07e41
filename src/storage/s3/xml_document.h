// XmlElement / ParseXml: a small, bounded, non-validating XML reader for S3 response
// bodies, which are plain element trees. It reads the XML declaration, processing
// instructions, comments, CDATA sections, attributes (namespace declarations included),
// the five predefined entities and numeric character references (&#NN; &#xNN;). It rejects
// DOCTYPE declarations (so no entity expansion), mismatched or unclosed tags, stray text
// and anything else it does not understand, with a Status rather than a crash, for any
// input bytes. Element names lose their namespace prefix ("s3:Key" -> "Key").
//
// Not a general XML library: no DTDs, no validation, no encodings other than UTF-8 (bytes
// pass through unchecked, so keys with any UTF-8 survive).
//
// Pure functions and value types; thread-compatible.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace strata::s3 {

struct XmlElement {
  // Local name: the part after the last ':' of the tag name.
  std::string name;
  // Attributes in document order, names as written ("xmlns", "xmlns:s3"), values decoded.
  std::vector<std::pair<std::string, std::string>> attributes;
  // Character data directly inside this element (children's text excluded), entities
  // decoded, CDATA included, line ends normalised to '\n'. Not trimmed.
  std::string text;
  std::vector<XmlElement> children;

  // The first child with local name `child_name`, or nullptr. The pointer lives as long
  // as this element.
  const XmlElement* Child(std::string_view child_name) const;
  // Every child with local name `child_name`, in document order.
  std::vector<const XmlElement*> Children(std::string_view child_name) const;
  // The text of the first child named `child_name`, or nullopt if there is none.
  std::optional<std::string_view> ChildText(std::string_view child_name) const;
};

struct XmlLimits {
  // Largest body accepted. A ListObjectsV2 page of 1000 long keys is about 1.5 MiB.
  std::size_t max_bytes = 64u << 20;
  // Deepest element nesting. S3 documents nest at most 4 deep.
  int max_depth = 32;
  // Most elements in one document. A 1000-key listing has about 8000.
  std::size_t max_elements = 1u << 20;
};

// Parses `body` into its root element. Leading whitespace and a UTF-8 byte order mark
// are skipped (S3 may send blanks before a CompleteMultipartUpload result).
// Returns DataLoss if `body` is empty, truncated or not well-formed (the message names
// the byte offset, never the content), and ResourceExhausted if it exceeds `limits`.
Result<XmlElement> ParseXml(std::string_view body, const XmlLimits& limits = {});

// Escapes `text` for element content or a quoted attribute value: & < > " ' and CR become
// entity or character references. Other bytes are copied unchanged.
std::string XmlEscape(std::string_view text);

}  // namespace strata::s3
