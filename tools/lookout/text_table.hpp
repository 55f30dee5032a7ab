#pragma once
// A table for a terminal: columns as wide as their widest cell, measured in the columns a
// terminal gives each character (a Chinese character takes two), so that long point names
// and Chinese headings keep every column in line.

#include <string>
#include <string_view>
#include <vector>

namespace lookout::cli {

/// Terminal columns of UTF-8 text: 2 for East Asian wide characters, 0 for combining
/// marks, 1 otherwise; an invalid byte counts 1.
std::size_t display_width(std::string_view utf8);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}

  /// A row; cells beyond the header's count are refused (std::invalid_argument), missing
  /// ones are empty.
  void add(std::vector<std::string> row);

  /// The header and every row, cells left-aligned and separated by two spaces; the last
  /// column is not padded, no line has trailing spaces.
  std::string str() const;

  std::size_t size() const { return rows_.size() - 1; }  ///< rows, without the header

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace lookout::cli
