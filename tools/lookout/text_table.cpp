// A terminal table with every column in line (text_table.hpp).

#include "tools/lookout/text_table.hpp"

#include <algorithm>
#include <clocale>
#include <cwchar>
#include <stdexcept>

#include <locale.h>

namespace lookout::cli {

std::size_t display_width(std::string_view utf8) {
  // The widths are the C library's own (wcwidth) under the C.UTF-8 locale, whatever the
  // caller's locale, set for this thread only.
  static const locale_t utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  const locale_t before = utf8_locale != nullptr ? uselocale(utf8_locale) : static_cast<locale_t>(nullptr);
  std::size_t width = 0;
  std::mbstate_t state{};
  std::size_t i = 0;
  while (i < utf8.size()) {
    wchar_t c = 0;
    const std::size_t n = std::mbrtowc(&c, utf8.data() + i, utf8.size() - i, &state);
    if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2) || n == 0) {
      state = {};
      width += 1;
      i += 1;
      continue;
    }
    const int w = wcwidth(c);
    width += w < 0 ? 1 : static_cast<std::size_t>(w);
    i += n;
  }
  if (before != nullptr) uselocale(before);
  return width;
}

void TextTable::add(std::vector<std::string> row) {
  if (row.size() > rows_.front().size()) {
    throw std::invalid_argument("table row of " + std::to_string(row.size()) + " cells, header has " +
                                std::to_string(rows_.front().size()));
  }
  row.resize(rows_.front().size());
  rows_.push_back(std::move(row));
}

std::string TextTable::str() const {
  const std::size_t columns = rows_.front().size();
  std::vector<std::size_t> widths(columns, 0);
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t c = 0; c < columns; ++c) {
      line += row[c];
      if (c + 1 < columns) line.append(widths[c] - display_width(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace lookout::cli
