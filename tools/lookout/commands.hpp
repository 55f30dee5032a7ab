#pragma once
// The `lookout` command's subcommands, one file each. add_NAME declares the subcommand NAME
// of `lookout` (CLI11): its usage, options and what it does (command_line::set_action), so
// `lookout NAME --help`, `--version` and a refused line behave as for every program.

namespace CLI {
class App;
}

namespace lookout::cli {

/// lookout validate SITE.toml
void add_validate(CLI::App& lookout);
/// lookout sim set|release|get|list --control HOST:PORT ...
void add_sim(CLI::App& lookout);
/// lookout status [--api http://127.0.0.1:8080] [--token TOKEN] [--site SITE]
void add_status(CLI::App& lookout);
/// lookout token create|list|revoke ... --db AGGREGATOR.db
void add_token(CLI::App& lookout);
/// lookout scan --tcp HOST:PORT | --rtu PATH ... [--units FIRST-LAST]
void add_scan(CLI::App& lookout);
/// lookout read SITE.toml DEVICE, or lookout read --tcp|--rtu ... --unit N --holding|--input START COUNT [--raw]
void add_read(CLI::App& lookout);
/// lookout provision GATEWAY --enterprise E --site S --passwd FILE --acl FILE, or --aggregator --passwd --acl
void add_provision(CLI::App& lookout);
/// lookout bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]
void add_bundle(CLI::App& lookout);
/// lookout flash BUNDLE --target DIR [--pubkey KEY.pem]
void add_flash(CLI::App& lookout);

}  // namespace lookout::cli
