// Every example in the docs is checked, so that none can go stale. Read here: README.md and
// docs/*.md. What is checked, and the markers a writer of the docs uses:
//
// 1. Each ```toml block is, unless marked, a whole site file (it has a [gateway] table) or a
//    whole aggregator configuration (a [storage] table), and must pass the real
//    `lookout validate` or `lookout-aggregator --check`. Any other block needs a marker,
//    an HTML comment on the line before it (blank lines between are allowed):
//      <!-- doctest: site fragment -->        appended to a minimal site file (SITE_BASE:
//                                             a tcp bus with one device at unit 247; a
//                                             fragment's [[bus.device]]s join that bus),
//                                             then `lookout validate`
//      <!-- doctest: aggregator fragment -->  appended to a minimal aggregator
//                                             configuration (AGGREGATOR_BASE), then
//                                             `lookout-aggregator --check`
//      <!-- doctest: part of PATH -->         an excerpt of the file PATH (from the
//                                             repository's top): its tables, in the same
//                                             order, are consecutive tables of PATH, and each
//                                             table's lines are lines of PATH's table, in
//                                             order (comments and blank lines aside)
//      <!-- doctest: file NAME -->            the content of the file NAME, which the
//                                             transcripts of the same page use (item 2)
//      <!-- doctest: scenario -->             a lookout-sim scenario: it must parse
//      <!-- doctest: not checked: WHY -->     skipped, for the reason given
// 2. Transcripts. In a code block (indented by four spaces, or fenced with no language or
//    `sh`), a line "$ COMMAND" is a command and the lines up to the next "$ " line or the
//    end of the block are what it prints: its stdout, then its stderr. These commands are
//    run and their output compared line by line, exactly ("..." alone on a line stands for
//    any number of lines): `lookout validate ...`, `lookout-gateway ... --check ...`,
//    `lookout-aggregator --check ...` and `lookout-sim --scenario FILE` (which checks the
//    scenario before anything else; a good one would run, so only a failing one may be
//    shown). `$ echo $?` after one of them is its exit status; `$ cat NAME` followed by
//    lines makes the file NAME (a plain name: `cat /tmp/x` shows a file, it makes none).
//    The program may be spelt `lookout`, `build/bin/lookout` or
//    `./build/bin/lookout`. Commands of a page run, in page order, in a fresh directory
//    holding the page's files (item 1 `file` blocks, `cat`s) and the repository's `docs`,
//    `boards` and `tools` folders, so `docs/examples/site.toml` means the shipped one. Any
//    other "$ " line is left alone.
// 3. A sample error of a configuration, "NAME.toml:LINE:COLUMN: ...", anywhere in the
//    pages must be output a transcript of item 2 produced; in prose, a pattern ending in
//    "..." (`site.toml:3:7: TOML syntax: ...`) is allowed, as is a block marked
//    `not checked`. In a ```json block (a message a program sends, e.g. a gateway's answer
//    to a new site file, which names the gateway's own file), each JSON string holding one
//    must be, its file name aside, an error a transcript of any page produced.
// 4. docs/devices.md against the device profiles (firmware/profiles): the summary table's
//    default poll and registers per request; per model ("## XJ-..."), every register row
//    (IR/HR/CO, address, type, word order, scale; "read" rows are the profile's fields,
//    "written" rows its coils, fast-mode and heartbeat registers, "-" rows neither), and
//    the points table against the channels of the section's site fragments.
// 5. The tables of roles in docs/api.md and docs/cli.md against aggregator/auth.hpp: per
//    role, yes or no for acting on alarms, taking them out of service, /metrics, tokens.
// 6. docs/api.md's readings call names every index the store keeps on the readings table,
//    and says so when one makes a reading unique per point and measurement time.
// 7. What the programs print for --help (and `lookout help`) cites only documents that ship.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "aggregator/auth.hpp"
#include "aggregator/sqlite_store.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/profile.hpp"
#include "gateway/site_config.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"
#include "tools/sim/scenario.hpp"

namespace fs = std::filesystem;
using lookout::test::run_command;
using lookout::test::TempDir;
using lookout::test::write_file;

namespace {

const fs::path SOURCE = LOOKOUT_SOURCE_DIR;
const fs::path BIN = LOOKOUT_BIN_DIR;

const char* const SITE_BASE = R"([gateway]
id = "gw-doc"
enterprise = "doc"
site = "doc"
data_dir = "data"

[mqtt]
uri = "tcp://127.0.0.1:1883"

[[bus]]
name = "doc-bus"
type = "tcp"
address = "127.0.0.1:1502"

[[bus.device]]
name = "doc-base"
model = "XJ-CH4"
unit = 247

)";

const char* const AGGREGATOR_BASE = R"([mqtt]
uri = "tcp://127.0.0.1:1883"

[storage]
path = "doc.db"

)";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

/// A code block of a page: fenced (with its language) or indented by four spaces.
struct Block {
  std::string language;  ///< "toml", "sh", ... ; "" when none; "indented" for indented blocks
  std::string marker;    ///< what follows "doctest:" in the comment before it, trimmed
  int first_line = 0;    ///< 1-based line of the first content line
  std::vector<std::string> lines;
};

struct Page {
  fs::path path;  ///< from the repository's top, e.g. docs/config.md
  std::vector<std::string> lines;
  std::vector<Block> blocks;
  std::set<int> in_block;  ///< 1-based lines inside a code block
};

std::string where(const Page& page, int line) { return page.path.string() + ":" + std::to_string(line); }

Page read_page(const fs::path& relative) {
  Page page{relative, split_lines(read_text(SOURCE / relative)), {}, {}};
  const auto& lines = page.lines;
  const std::regex marker_re(R"(^\s*<!--\s*doctest:\s*(.*?)\s*-->\s*$)");
  std::string marker;  // from the last non-blank line before a block
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    std::smatch m;
    if (std::regex_match(l, m, marker_re)) {
      marker = m[1];
      continue;
    }
    if (l.starts_with("```")) {
      Block b{trim(l.substr(3)), marker, static_cast<int>(i) + 2, {}};
      for (++i; i < lines.size() && !lines[i].starts_with("```"); ++i) {
        b.lines.push_back(lines[i]);
        page.in_block.insert(static_cast<int>(i) + 1);
      }
      page.blocks.push_back(std::move(b));
      marker.clear();
      continue;
    }
    const bool after_blank = i == 0 || trim(lines[i - 1]).empty();
    if (l.starts_with("    ") && after_blank && !trim(l).empty()) {
      Block b{"indented", marker, static_cast<int>(i) + 1, {}};
      for (; i < lines.size(); ++i) {
        if (lines[i].starts_with("    ")) {
          b.lines.push_back(lines[i].substr(4));
        } else if (trim(lines[i]).empty() && i + 1 < lines.size() && lines[i + 1].starts_with("    ")) {
          b.lines.push_back("");
        } else {
          break;
        }
        page.in_block.insert(static_cast<int>(i) + 1);
      }
      --i;
      page.blocks.push_back(std::move(b));
      marker.clear();
      continue;
    }
    if (!trim(l).empty()) marker.clear();
  }
  return page;
}

std::vector<Page> all_pages() {
  std::vector<fs::path> files{"README.md"};
  for (const auto& e : fs::directory_iterator(SOURCE / "docs")) {
    if (e.path().extension() == ".md") files.push_back(fs::path("docs") / e.path().filename());
  }
  std::sort(files.begin(), files.end());
  std::vector<Page> pages;
  for (const auto& f : files) pages.push_back(read_page(f));
  return pages;
}

Page page_named(const std::string& relative) { return read_page(relative); }

/// Runs a program with `dir` as its working directory.
lookout::test::CommandResult run_in(const fs::path& dir, std::vector<std::string> argv) {
  std::vector<std::string> sh{"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir.string()};
  sh.insert(sh.end(), argv.begin(), argv.end());
  return run_command(sh);
}

std::string output_of(const lookout::test::CommandResult& r) { return r.out + r.err; }

// ---- 1. toml blocks ------------------------------------------------------------------------

struct TomlTable {
  std::string header;              ///< "[[bus.device]]", or "" for the keys before any table
  std::vector<std::string> lines;  ///< its key lines, comments and blanks dropped, trimmed
};

std::string strip_comment(const std::string& line) {
  // A '#' outside a string starts a comment (enough for the docs' examples: no '#' in keys).
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) quoted = !quoted;
    if (line[i] == '#' && !quoted) return trim(line.substr(0, i));
  }
  return trim(line);
}

std::vector<TomlTable> toml_tables(const std::vector<std::string>& lines) {
  std::vector<TomlTable> out{{"", {}}};
  for (const auto& raw : lines) {
    const std::string l = strip_comment(raw);
    if (l.empty()) continue;
    if (l.starts_with("[")) {
      out.push_back({l, {}});
    } else {
      out.back().lines.push_back(l);
    }
  }
  if (out.front().lines.empty()) out.erase(out.begin());
  return out;
}

/// Whether `part` (an excerpt) is in `whole` as item 1 "part of" says.
bool is_excerpt(const std::vector<TomlTable>& part, const std::vector<TomlTable>& whole) {
  const auto fits = [](const TomlTable& p, const TomlTable& w) {
    if (p.header != w.header) return false;
    std::size_t j = 0;
    for (const auto& line : p.lines) {
      while (j < w.lines.size() && w.lines[j] != line) ++j;
      if (j == w.lines.size()) return false;
      ++j;
    }
    return true;
  };
  if (part.empty() || part.size() > whole.size()) return false;
  for (std::size_t i = 0; i + part.size() <= whole.size(); ++i) {
    bool all = true;
    for (std::size_t k = 0; k < part.size() && all; ++k) all = fits(part[k], whole[i + k]);
    if (all) return true;
  }
  return false;
}

bool has_table(const std::vector<std::string>& lines, const std::string& header) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return strip_comment(l) == header; });
}

void check_toml_block(const Page& page, const Block& b, const TempDir& dir) {
  const std::string at = where(page, b.first_line);
  INFO(at);
  const std::string text = join(b.lines);
  const std::string& marker = b.marker;
  const auto validate = [&](const std::string& file_text, bool aggregator) {
    const fs::path file = dir / (aggregator ? "aggregator-example.toml" : "site-example.toml");
    write_file(file, file_text);
    const auto r = aggregator ? run_command({(BIN / "lookout-aggregator").string(), "--check", file.string()})
                              : run_command({(BIN / "lookout").string(), "validate", file.string()});
    INFO(output_of(r));
    CHECK(r.status == 0);
  };
  if (marker.empty()) {
    const bool site = has_table(b.lines, "[gateway]");
    const bool aggregator = has_table(b.lines, "[storage]");
    if (!site && !aggregator) {
      FAIL_CHECK(at << ": this toml block is neither a whole site file nor a whole aggregator configuration: "
                       "mark it (tests/docs/test_examples.cpp says how)");
      return;
    }
    validate(text, aggregator);
  } else if (marker == "site fragment") {
    validate(SITE_BASE + text, false);
  } else if (marker == "aggregator fragment") {
    validate(AGGREGATOR_BASE + text, true);
  } else if (marker.starts_with("part of ")) {
    const fs::path whole = SOURCE / marker.substr(8);
    REQUIRE_MESSAGE(fs::exists(whole), at << ": no file " << whole);
    CHECK_MESSAGE(is_excerpt(toml_tables(b.lines), toml_tables(split_lines(read_text(whole)))),
                  at << ": this block is not an excerpt of " << marker.substr(8)
                     << " (its tables, in order, with lines of the same tables)");
  } else if (marker == "scenario") {
    try {
      (void)lookout::sim::parse_scenario(text, at);
    } catch (const std::exception& e) {
      FAIL_CHECK(at << ": the scenario does not parse: " << std::string(e.what()));
    }
  } else if (marker.starts_with("file ") || (marker.starts_with("not checked:") && trim(marker.substr(12)).size() > 0)) {
    // Used by the page's transcripts; or skipped for the reason given.
  } else {
    FAIL_CHECK(at << ": unknown doctest marker \"" << marker << "\"");
  }
}

// ---- 2. transcripts ------------------------------------------------------------------------

/// The command's words, with the program as built, or nullopt when it is not one to run.
std::optional<std::vector<std::string>> runnable(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return std::nullopt;
  std::string program = words[0];
  for (const auto* prefix : {"./build/bin/", "build/bin/"}) {
    if (program.starts_with(prefix)) program = program.substr(std::string(prefix).size());
  }
  const auto has = [&](const std::string& w) { return std::find(words.begin(), words.end(), w) != words.end(); };
  const bool run = (program == "lookout" && words.size() >= 2 && words[1] == "validate") ||
                   (program == "lookout-gateway" && has("--check")) ||
                   (program == "lookout-aggregator" && has("--check")) ||
                   (program == "lookout-sim" && words.size() == 3 && words[1] == "--scenario");
  // lookout-sim checks a scenario before it opens a port and exits 2 on a bad one; a good
  // one would serve until run_command's timeout kills it, and fail the comparison.
  if (!run) return std::nullopt;
  words[0] = (BIN / program).string();
  return words;
}

/// Exact line-by-line match; an expected line "..." matches any number of lines.
bool lines_match(const std::vector<std::string>& expected, std::size_t e, const std::vector<std::string>& actual,
                 std::size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (expected[e] == "...") {
    for (std::size_t k = a; k <= actual.size(); ++k) {
      if (lines_match(expected, e + 1, actual, k)) return true;
    }
    return false;
  }
  return a < actual.size() && expected[e] == actual[a] && lines_match(expected, e + 1, actual, a + 1);
}

/// Runs the transcripts of a page; returns the page's lines whose output they produced.
std::set<int> check_transcripts(const Page& page, const TempDir& dir) {
  std::set<int> produced;
  for (const auto* folder : {"docs", "boards", "tools"}) fs::create_directory_symlink(SOURCE / folder, dir / folder);
  for (const auto& b : page.blocks) {
    if (b.language == "toml" && b.marker.starts_with("file ")) {
      write_file(dir / trim(b.marker.substr(5)), join(b.lines));
      continue;
    }
    if (b.language != "indented" && b.language != "" && b.language != "sh") continue;
    if (b.marker.starts_with("not checked:")) continue;
    std::optional<int> last_status;
    for (std::size_t i = 0; i < b.lines.size(); ++i) {
      if (!b.lines[i].starts_with("$ ")) continue;
      const std::string command = b.lines[i].substr(2);
      std::vector<std::string> expected;
      std::vector<int> expected_at;
      std::size_t j = i + 1;
      for (; j < b.lines.size() && !b.lines[j].starts_with("$ "); ++j) {
        expected.push_back(b.lines[j]);
        expected_at.push_back(b.first_line + static_cast<int>(j));
      }
      while (!expected.empty() && expected.back().empty()) {
        expected.pop_back();
        expected_at.pop_back();
      }
      const std::string at = where(page, b.first_line + static_cast<int>(i));
      if (command.starts_with("cat ") && trim(command.substr(4)).find('/') == std::string::npos) {
        write_file(dir / trim(command.substr(4)), join(expected));
      } else if (command == "echo $?") {
        if (last_status) {
          INFO(at);
          CHECK_MESSAGE(expected == std::vector<std::string>{std::to_string(*last_status)},
                        at << ": the exit status is " << *last_status);
          produced.insert(expected_at.begin(), expected_at.end());
        }
        last_status.reset();
      } else if (const auto argv = runnable(command)) {
        const auto r = run_in(dir.path(), *argv);
        const auto actual = split_lines(output_of(r));
        CHECK_MESSAGE(lines_match(expected, 0, actual, 0),
                      at << ": `" << command << "` prints, today:\n" << join(actual) << "and the page says:\n"
                         << join(expected));
        last_status = r.status;
        produced.insert(expected_at.begin(), expected_at.end());
      } else {
        last_status.reset();
      }
      i = j - 1;
    }
  }
  return produced;
}

// ---- 3. sample errors ----------------------------------------------------------------------

const std::regex& sample_error() {
  static const std::regex sample(R"([A-Za-z0-9_./-]+\.toml:[0-9]+:[0-9]+: )");
  return sample;
}

/// A sample error from its ":LINE:COLUMN: " on, its file name left aside.
std::string after_file_name(const std::string& error) {
  std::smatch m;
  if (!std::regex_search(error, m, sample_error())) return "";
  const std::string from = m.str(0);
  return from.substr(from.rfind(".toml:") + 5) + m.suffix().str();
}

/// The JSON strings of a line ("a \"b\"" -> a "b"); those that do not parse are left out.
std::vector<std::string> json_strings(const std::string& line) {
  static const std::regex string_re(R"("(?:[^"\\]|\\.)*")");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), string_re); it != std::sregex_iterator(); ++it) {
    const auto j = nlohmann::json::parse(it->str(), nullptr, false);
    if (j.is_string()) out.push_back(j.get<std::string>());
  }
  return out;
}

/// Every sample error the transcripts of all pages produced, file name left aside.
std::set<std::string> produced_errors(const std::vector<Page>& pages, const std::vector<std::set<int>>& produced) {
  std::set<std::string> out;
  for (std::size_t p = 0; p < pages.size(); ++p) {
    for (const int n : produced[p]) {
      const auto e = after_file_name(pages[p].lines[static_cast<std::size_t>(n) - 1]);
      if (!e.empty()) out.insert(e);
    }
  }
  return out;
}

void check_sample_errors(const Page& page, const std::set<int>& produced, const std::set<std::string>& all_produced) {
  std::set<int> unchecked_blocks;
  std::set<int> json_lines;
  for (const auto& b : page.blocks) {
    for (std::size_t k = 0; k < b.lines.size(); ++k) {
      const int n = b.first_line + static_cast<int>(k);
      if (b.marker.starts_with("not checked:")) unchecked_blocks.insert(n);
      if (b.language == "json") json_lines.insert(n);
    }
  }
  for (std::size_t i = 0; i < page.lines.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    const std::string& l = page.lines[i];
    std::smatch m;
    if (!std::regex_search(l, m, sample_error())) continue;
    if (produced.count(n) != 0 || unchecked_blocks.count(n) != 0) continue;
    if (json_lines.count(n) != 0) {
      // An error a program sends in a JSON message (a gateway's answer to a new site file
      // names its own file): as a transcript printed it, file name aside.
      for (const auto& text : json_strings(l)) {
        const auto e = after_file_name(text);
        if (e.empty()) continue;
        CHECK_MESSAGE(all_produced.count(e) != 0,
                      where(page, n) << ": a sample error in JSON that no transcript of the docs produces "
                                        "(file name aside):\n"
                                     << text);
      }
      continue;
    }
    const bool prose = page.in_block.count(n) == 0;
    if (prose && l.find("...", static_cast<std::size_t>(m.position(0))) != std::string::npos) continue;
    FAIL_CHECK(where(page, n) << ": a sample error no test produces: show the input and the command as a "
                                 "transcript (tests/docs/test_examples.cpp says how):\n"
                              << l);
  }
}

// ---- 4. devices.md against the profiles --------------------------------------------------

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|' && row[i - 1] != '\\') {
      out.push_back(trim(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

std::string unquote(std::string s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`' && s.find('`', 1) == s.size() - 1) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

bool single_code_span(const std::string& s) {
  const std::string t = trim(s);
  return t.empty() || (t.size() >= 2 && t.front() == '`' && t.back() == '`' && t.find('`', 1) == t.size() - 1);
}

/// The rows (cells) of the table whose header row starts with `header`, from line `from`.
std::vector<std::vector<std::string>> table_after(const std::vector<std::string>& lines, std::size_t from,
                                                  std::size_t to, const std::string& header) {
  for (std::size_t i = from; i < to; ++i) {
    if (!lines[i].starts_with(header)) continue;
    std::vector<std::vector<std::string>> rows;
    for (std::size_t j = i + 2; j < to && lines[j].starts_with("|"); ++j) rows.push_back(cells(lines[j]));
    return rows;
  }
  return {};
}

struct DocRegister {
  lookout::firmware::RegisterKind kind;
  std::uint16_t address;
};

std::optional<DocRegister> parse_register(const std::string& cell) {
  const std::regex re(R"(^(IR|HR|CO) ([0-9]+)(-[0-9]+)?$)");
  std::smatch m;
  if (!std::regex_match(cell, m, re)) return std::nullopt;
  using lookout::firmware::RegisterKind;
  const RegisterKind kind = m[1] == "IR" ? RegisterKind::input : m[1] == "HR" ? RegisterKind::holding : RegisterKind::coil;
  return DocRegister{kind, static_cast<std::uint16_t>(std::stoi(m[2]))};
}

/// "uint16", "int32 CDAB", "float32 ABCD", "bit" as the profile spells them.
std::string profile_type(const lookout::firmware::RegisterField& f) {
  using lookout::firmware::ValueType;
  using lookout::firmware::WordOrder;
  if (f.kind == lookout::firmware::RegisterKind::coil) return "bit";
  std::string order;
  switch (f.order) {
    case WordOrder::abcd: order = "ABCD"; break;
    case WordOrder::cdab: order = "CDAB"; break;
    case WordOrder::badc: order = "BADC"; break;
    case WordOrder::dcba: order = "DCBA"; break;
  }
  switch (f.type) {
    case ValueType::u16: return "uint16";
    case ValueType::i16: return "int16";
    case ValueType::u32: return "uint32 " + order;
    case ValueType::i32: return "int32 " + order;
    case ValueType::f32: return "float32 " + order;
  }
  return "?";
}

/// Whether the profile writes this register: a coil it drives, its fast-mode or heartbeat register.
bool profile_writes(const lookout::firmware::Profile& p, const DocRegister& r) {
  using lookout::firmware::RegisterKind;
  if (r.kind == RegisterKind::coil) {
    return std::any_of(p.outputs.begin(), p.outputs.end(), [&](const auto& o) { return o.address == r.address; });
  }
  return r.kind == RegisterKind::holding && ((p.fast_mode && p.fast_mode->address == r.address) ||
                                             (p.heartbeat && p.heartbeat->address == r.address));
}

std::string normal_channel(const std::string& channel) {
  static const std::regex per_channel(R"(^ch[1-4]_)");
  return std::regex_replace(channel, per_channel, "chN_");
}

void check_model_section(const Page& page, const std::string& model, std::size_t from, std::size_t to) {
  using namespace lookout::firmware;
  INFO(where(page, static_cast<int>(from) + 1) << " " << model);
  const Profile* p = find_profile(model);
  REQUIRE_MESSAGE(p != nullptr, "docs/devices.md has a section for " << model << ", which is no supported model");

  std::set<std::string> documented_fields;
  std::set<std::pair<int, int>> documented_writes;  // (kind, address)
  const auto rows = table_after(page.lines, from, to, "| register |");
  CHECK_MESSAGE(!rows.empty(), "no register table");
  for (const auto& row : rows) {
    REQUIRE(row.size() >= 7);
    INFO(row[0] << " " << row[1]);
    const auto reg = parse_register(row[0]);
    REQUIRE_MESSAGE(reg.has_value(), "register \"" << row[0] << "\" is not IR/HR/CO N or N-M");
    const std::string name = unquote(row[1]);
    const std::string use = row[5];
    const RegisterField* field = nullptr;
    for (const auto& f : p->fields) {
      if (f.name == name) field = &f;
    }
    if (use.find("read") != std::string::npos) {
      REQUIRE_MESSAGE(field != nullptr, "the profile reads no field " << name);
      documented_fields.insert(name);
      CHECK(field->kind == reg->kind);
      CHECK(field->address == reg->address);
      CHECK(profile_type(*field) == row[2]);
      CHECK(field->scale == doctest::Approx(std::stod(row[3])));
    } else {
      CHECK_MESSAGE(field == nullptr, "the profile reads " << name << ", and the table says it does not");
    }
    if (use.find("written") != std::string::npos) {
      CHECK_MESSAGE(profile_writes(*p, *reg), "the profile does not write " << row[0]);
      documented_writes.insert({static_cast<int>(reg->kind), reg->address});
    } else {
      CHECK_MESSAGE(!profile_writes(*p, *reg), "the profile writes " << row[0] << ", and the table says it does not");
    }
  }
  for (const auto& f : p->fields) {
    CHECK_MESSAGE(documented_fields.count(std::string(f.name)) != 0, "the profile reads " << f.name << ", not in the table");
  }
  std::vector<std::pair<int, int>> writes;
  for (const auto& o : p->outputs) writes.emplace_back(static_cast<int>(RegisterKind::coil), o.address);
  if (p->fast_mode) writes.emplace_back(static_cast<int>(RegisterKind::holding), p->fast_mode->address);
  if (p->heartbeat) writes.emplace_back(static_cast<int>(RegisterKind::holding), p->heartbeat->address);
  for (const auto& w : writes) {
    CHECK_MESSAGE(documented_writes.count(w) != 0, "the profile writes register " << w.second << ", not in the table");
  }

  // The points the section's site fragments make, against its points table.
  std::map<std::string, ChannelSpec> made;
  for (const auto& b : page.blocks) {
    if (b.language != "toml" || b.marker != "site fragment") continue;
    if (b.first_line <= static_cast<int>(from) || b.first_line > static_cast<int>(to)) continue;
    const auto site = lookout::gateway::parse_site(SITE_BASE + join(b.lines), "/doc/example.toml");
    for (const auto& bus : site.buses) {
      for (const auto& d : bus.devices) {
        if (d.profile != p) continue;
        for (const auto& c : device_channels(*p, d.options)) made.emplace(normal_channel(c.channel), c);
      }
    }
  }
  CHECK_MESSAGE(!made.empty(), "no site fragment of " << model << " in its section");
  std::set<std::string> documented;
  for (const auto& row : table_after(page.lines, from, to, "| point |")) {
    REQUIRE(row.size() >= 3);
    const std::string channel = unquote(row[0]);
    INFO("point " << channel);
    documented.insert(channel);
    const auto m = made.find(channel);
    if (m == made.end()) {
      FAIL_CHECK("no example of the section makes a point " << channel);
      continue;
    }
    if (single_code_span(row[1])) CHECK(m->second.quantity == unquote(row[1]));
    if (single_code_span(row[2])) CHECK(m->second.unit == unquote(row[2]));
  }
  for (const auto& [channel, spec] : made) {
    CHECK_MESSAGE(documented.count(channel) != 0, "the examples make a point " << channel << ", not in the table");
  }
}

/// The lines of a page's section, from its "## " heading that starts with `heading` to the next.
std::string section(const Page& page, const std::string& heading) {
  std::string out;
  bool in = false;
  for (const auto& l : page.lines) {
    if (l.starts_with("## ")) in = l.starts_with(heading);
    if (in) out += l + "\n";
  }
  return out;
}

struct TableIndex {
  std::string name;
  bool unique = false;
};

/// The indexes SQLite keeps on a table of a database.
std::vector<TableIndex> indexes_of(const fs::path& db, const std::string& table) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, "SELECT name, \"unique\" FROM pragma_index_list(?1) ORDER BY name", -1, &s, nullptr) ==
          SQLITE_OK);
  sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<TableIndex> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), sqlite3_column_int(s, 1) != 0});
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

}  // namespace

TEST_SUITE("docs.examples") {
  TEST_CASE("every toml block of the docs is a valid site file or aggregator configuration - or marked") {
    int checked = 0;
    for (const auto& page : all_pages()) {
      TempDir dir;
      for (const auto& b : page.blocks) {
        if (b.language != "toml") continue;
        check_toml_block(page, b, dir);
        ++checked;
      }
    }
    CHECK(checked >= 10);
  }

  TEST_CASE("every documented command output is what the command prints - sample errors included") {
    int transcripts = 0;
    const auto pages = all_pages();
    std::vector<std::set<int>> produced;
    for (const auto& page : pages) {
      TempDir dir;
      produced.push_back(check_transcripts(page, dir));
      transcripts += static_cast<int>(produced.back().size());
    }
    const auto errors = produced_errors(pages, produced);
    for (std::size_t p = 0; p < pages.size(); ++p) check_sample_errors(pages[p], produced[p], errors);
    CHECK(transcripts >= 10);
  }

  TEST_CASE("a transcript that no longer matches fails - and the ellipsis stands for lines") {
    // GIVEN a page whose transcript shows an error at a line the input no longer has
    const std::vector<std::string> actual{"a.toml:3:1: x: unknown key", "1 problem(s) in a.toml"};
    CHECK(lines_match({"a.toml:3:1: x: unknown key", "1 problem(s) in a.toml"}, 0, actual, 0));
    CHECK(!lines_match({"a.toml:4:1: x: unknown key", "1 problem(s) in a.toml"}, 0, actual, 0));
    CHECK(lines_match({"...", "1 problem(s) in a.toml"}, 0, actual, 0));
    CHECK(!lines_match({"a.toml:3:1: x: unknown key"}, 0, actual, 0));
    // AND an excerpt may leave out keys but not change them
    const auto whole = toml_tables({"[[bus.device]]", "name = \"vw-1\"", "unit = 2", "poll_ms = 5000 # why",
                                    "calibration = { a = 1 }", "", "[[bus.device]]", "name = \"x\""});
    CHECK(is_excerpt(toml_tables({"[[bus.device]]", "name = \"vw-1\"", "calibration = { a = 1 }"}), whole));
    CHECK(is_excerpt(toml_tables({"[[bus.device]]", "poll_ms = 5000", "[[bus.device]]", "name = \"x\""}), whole));
    CHECK(!is_excerpt(toml_tables({"[[bus.device]]", "name = \"vw-1\"", "unit = 3"}), whole));
    CHECK(!is_excerpt(toml_tables({"[[bus.device]]", "calibration = { a = 1 }", "name = \"vw-1\""}), whole));
  }

  TEST_CASE("docs/devices.md says what the device profiles do") {
    const Page page = page_named("docs/devices.md");
    std::set<std::string> sections;
    std::size_t start = 0;
    std::string model;
    const auto close = [&](std::size_t end) {
      if (!model.empty()) check_model_section(page, model, start, end);
    };
    for (std::size_t i = 0; i < page.lines.size(); ++i) {
      if (!page.lines[i].starts_with("## ")) continue;
      close(i);
      const std::string title = trim(page.lines[i].substr(3));
      model = title.starts_with("XJ-") ? title : "";
      if (!model.empty()) sections.insert(model);
      start = i;
    }
    close(page.lines.size());

    int summary = 0;
    for (const auto& line : page.lines) {
      if (!line.starts_with("| [XJ-")) continue;
      const auto row = cells(line);
      REQUIRE(row.size() >= 5);
      const std::string name = row[0].substr(1, row[0].find(']') - 1);
      INFO(name);
      const auto* p = lookout::firmware::find_profile(name);
      REQUIRE(p != nullptr);
      CHECK(p->recommended_poll_ms == std::stoi(row[3]));
      CHECK(p->max_registers_per_request == std::stoi(row[4]));
      ++summary;
    }
    for (const auto m : lookout::firmware::supported_models()) {
      CHECK_MESSAGE(sections.count(std::string(m)) != 0, "docs/devices.md has no section ## " << m);
    }
    CHECK(summary == static_cast<int>(lookout::firmware::supported_models().size()));
  }

  TEST_CASE("the roles tables of docs/api.md and docs/cli.md say what aggregator/auth.hpp lets each role do") {
    using namespace lookout::aggregator;
    for (const auto& [file, header] : {std::pair<std::string, std::string>{"docs/api.md", "| role | sees |"},
                                       {"docs/cli.md", "| role | scope option"}}) {
      INFO(file);
      const Page page = page_named(file);
      // The columns, in this order: what the yes/no of each row are checked against.
      const auto head = std::find_if(page.lines.begin(), page.lines.end(),
                                     [&](const std::string& l) { return l.starts_with(header); });
      REQUIRE_MESSAGE(head != page.lines.end(), "no table whose header starts with " << header);
      const auto columns = cells(*head);
      REQUIRE(columns.size() == 6);
      CHECK(columns[2].starts_with("acknowledge, shelve, unshelve, reset a latch"));
      CHECK(columns[3].starts_with("take out of service, return to service"));
      CHECK(columns[4].starts_with("`GET /metrics`"));
      CHECK(columns[5].starts_with("manage tokens"));
      const auto rows = table_after(page.lines, 0, page.lines.size(), header);
      REQUIRE(rows.size() == 4);
      std::set<std::string> roles;
      for (const auto& row : rows) {
        REQUIRE(row.size() == 6);
        const auto role = role_from_string(unquote(row[0]));
        REQUIRE_MESSAGE(role.has_value(), row[0] << " is no role");
        INFO(row[0]);
        roles.insert(row[0]);
        Principal who{TokenRecord{.id = 1, .name = "doc", .role = unquote(row[0]), .division = "", .enterprise = ""},
                      *role};
        if (*role == Role::regulator) who.token.division = "4302";
        if (*role == Role::officer) who.token.enterprise = "zz-chem";
        const auto yes_no = [](bool b) { return std::string(b ? "yes" : "no"); };
        CHECK(row[2] == yes_no(can_act(who)));
        CHECK(row[3] == yes_no(can_take_out_of_service(who)));
        CHECK(row[4] == yes_no(can_see_everything(who)));
        CHECK(row[5] == yes_no(can_manage_tokens(who)));
      }
      CHECK(roles.size() == 4);
    }
  }

  TEST_CASE("docs/api.md says how the readings are indexed - as the aggregator's store makes them") {
    // GIVEN a database as the aggregator makes it
    TempDir dir;
    const auto db = dir / "lookout.db";
    { lookout::aggregator::SqliteStore store(db); }
    const auto indexes = indexes_of(db, "readings");
    REQUIRE(!indexes.empty());
    // THEN the readings call's section names every index of the readings table, says a
    // unique one keeps a reading once per point and measurement time, and does not say
    // there is no index
    const std::string text = section(page_named("docs/api.md"), "## `GET /api/v1/points/{enterprise}/{site}/{point}/readings`");
    REQUIRE(!text.empty());
    for (const auto& index : indexes) {
      INFO(index.name);
      if (!index.name.starts_with("sqlite_autoindex_")) {  // else a table constraint's, unnamed
        CHECK_MESSAGE(text.find("`" + index.name + "`") != std::string::npos,
                      "docs/api.md's readings section does not name the readings index " << index.name);
      }
      if (index.unique) {
        CHECK_MESSAGE(text.find("once per point and measurement time") != std::string::npos,
                      "the index is unique: docs/api.md's readings section must say a reading is stored once "
                      "per point and measurement time");
      }
    }
    CHECK(text.find("without an index") == std::string::npos);
    CHECK(text.find("scans the readings table") == std::string::npos);
  }

  TEST_CASE("docs/config.md gives each model's own poll_ms default") {
    // GIVEN the poll_ms row of config.md's [[bus.device]] table: "N for XJ-A, XJ-B and XJ-C, ..."
    const Page page = page_named("docs/config.md");
    const auto row = std::find_if(page.lines.begin(), page.lines.end(),
                                  [](const std::string& l) { return l.starts_with("| `poll_ms` |"); });
    REQUIRE(row != page.lines.end());
    const std::string defaults = cells(*row).at(2);
    const std::regex group(R"(([0-9]+) for ((?:XJ-[A-Z0-9]+(?:, | and )?)+))");
    const std::regex model_re(R"(XJ-[A-Z0-9]+)");
    std::map<std::string, int> said;
    for (auto g = std::sregex_iterator(defaults.begin(), defaults.end(), group); g != std::sregex_iterator(); ++g) {
      const std::string models = (*g)[2];
      for (auto m = std::sregex_iterator(models.begin(), models.end(), model_re); m != std::sregex_iterator(); ++m) {
        CHECK_MESSAGE(said.emplace(m->str(), std::stoi((*g)[1])).second, m->str() << " is given twice");
      }
    }
    // THEN each model the gateway supports is there once, with its profile's period
    for (const auto m : lookout::firmware::supported_models()) {
      const std::string model(m);
      INFO(model);
      REQUIRE_MESSAGE(said.count(model) != 0, "docs/config.md gives no poll_ms default for " << model);
      CHECK(said[model] == lookout::firmware::find_profile(model)->recommended_poll_ms);
    }
    CHECK(said.size() == lookout::firmware::supported_models().size());
  }

  TEST_CASE("what the programs print for help cites only documents that ship") {
    // GIVEN the help of every program and of each lookout command
    std::vector<std::vector<std::string>> asks{{"lookout-gateway", "--help"}, {"lookout-aggregator", "--help"},
                                               {"lookout-sim", "--help"},     {"lookout", "help"}};
    for (const auto* command : {"validate", "status", "token", "scan", "read", "provision", "bundle", "flash", "sim"}) {
      asks.push_back({"lookout", command, "--help"});
    }
    const std::regex cited(R"([A-Za-z0-9_./-]+\.md)");
    const std::regex not_shipped(R"(datasheet|standards\.md|design\.md|XJ-[A-Z0-9]+\.md|/work/shared|\.\./shared)",
                                 std::regex::icase);
    for (auto argv : asks) {
      const std::string shown = argv[0] + " " + argv[1];
      INFO(shown);
      argv[0] = (BIN / argv[0]).string();
      const auto r = run_command(argv);
      const std::string text = output_of(r);
      // THEN it names no file that does not ship, and every document it names is in the repository
      std::smatch m;
      CHECK_MESSAGE(!std::regex_search(text, m, not_shipped), shown << " cites " << m.str(0) << ":\n" << text);
      for (auto it = std::sregex_iterator(text.begin(), text.end(), cited); it != std::sregex_iterator(); ++it) {
        CHECK_MESSAGE(fs::exists(SOURCE / it->str()), shown << " cites " << it->str() << ", which is not in the repository");
      }
    }
  }
}
