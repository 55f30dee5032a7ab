#include "gateway/board_config.hpp"

#include <fstream>
#include <sstream>

#include "firmware/config/toml_checker.hpp"

namespace lookout::gateway {

BoardConfig load_board_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the board file");
  std::ostringstream text;
  text << in.rdbuf();
  config::TomlChecker c(file.string());
  const toml::table root = c.parse(text.str());
  BoardConfig b;
  b.file = file;
  c.throw_if_any();
  c.only_keys(root, "", {"board", "storage", "serial", "watchdog", "leds"});
  if (const toml::table* t = c.table(root, "", "board", true)) {
    c.only_keys(*t, "board", {"name", "arch", "description", "toolchain"});
    if (auto v = c.string(*t, "board", "name", true)) b.name = *v;
    if (auto v = c.string(*t, "board", "arch", true)) b.arch = *v;
    c.string(*t, "board", "description", false);
    c.string(*t, "board", "toolchain", false);
  }
  if (const toml::table* t = c.table(root, "", "storage", false)) {
    c.only_keys(*t, "storage", {"data_dir"});
    if (auto v = c.string(*t, "storage", "data_dir", false)) b.data_dir = *v;
  }
  if (const toml::table* t = c.table(root, "", "serial", false)) {
    for (const auto& [name, node] : *t) {
      const std::string where = "serial." + std::string(name.str());
      const toml::table* port = node.as_table();
      if (port == nullptr) {
        c.issue(node, where + ": expected a table");
        continue;
      }
      c.only_keys(*port, where, {"device", "rs485", "rts"});
      SerialPort p;
      if (auto v = c.string(*port, where, "device", true)) p.device = *v;
      if (auto v = c.boolean(*port, where, "rs485", false)) p.rs485 = *v;
      if (auto v = c.string(*port, where, "rts", false)) {
        if (*v == "up" || *v == "down" || v->empty()) {
          p.rts = *v;
        } else {
          c.issue(*port->get("rts"), where + ".rts: \"" + *v + "\" should be \"up\" or \"down\"");
        }
      }
      b.serial[std::string(name.str())] = p;
    }
  }
  if (const toml::table* t = c.table(root, "", "watchdog", false)) {
    c.only_keys(*t, "watchdog", {"device", "timeout_s"});
    if (auto v = c.string(*t, "watchdog", "device", false)) b.watchdog_device = *v;
    if (auto v = c.integer(*t, "watchdog", "timeout_s", false, 1, 3600)) b.watchdog_timeout_s = static_cast<int>(*v);
  }
  if (const toml::table* t = c.table(root, "", "leds", false)) {
    for (const auto& [name, node] : *t) {
      if (!node.is_string()) c.issue(node, "leds." + std::string(name.str()) + ": expected a path");
    }
  }
  c.throw_if_any();
  return b;
}

}  // namespace lookout::gateway
