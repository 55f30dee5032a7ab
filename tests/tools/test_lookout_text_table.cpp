// tools/lookout/text_table: columns stay in line whatever the cells hold, Chinese included.
#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

#include "tools/lookout/text_table.hpp"

using lookout::cli::display_width;
using lookout::cli::TextTable;

TEST_SUITE("lookout.text_table") {
  TEST_CASE("display width counts a Chinese character as two columns") {
    CHECK(display_width("") == 0);
    CHECK(display_width("gw-1") == 4);
    CHECK(display_width("甲烷") == 4);
    CHECK(display_width("3分12秒") == 7);
    CHECK(display_width("（站点）") == 8);  // full-width brackets are wide too
    CHECK(display_width("\xff" "a") == 2);  // an invalid byte counts one
  }

  TEST_CASE("columns are as wide as their widest cell and start at the same column on every line") {
    TextTable t({"point", "level", "alarms"});
    t.add({"a-very-long-point-name.ch1_piezometric_level", "红色", "阈值:红色"});
    t.add({"p", "normal"});
    CHECK(t.size() == 2);
    std::istringstream lines(t.str());
    std::vector<std::string> l;
    for (std::string s; std::getline(lines, s);) l.push_back(s);
    REQUIRE(l.size() == 3);
    // The second column begins after the widest first cell (44 columns) and two blanks.
    for (const auto& line : l) CHECK(display_width(line.substr(0, line.find_first_not_of(' ', line.find(' ')))) == 46);
    CHECK(l[2] == "p" + std::string(45, ' ') + "normal");  // no trailing blanks for the missing cell
    CHECK(l[1].ends_with("红色    阈值:红色"));           // 红色 is 4 columns wide, "normal" 6: 2 + 2 blanks
    CHECK_THROWS_AS(t.add({"1", "2", "3", "4"}), std::invalid_argument);
  }
}
