#pragma once
// The `lookout` command's subcommands, one file each.

#include <string>
#include <vector>

namespace lookout::cli {

using Args = std::vector<std::string>;

/// lookout validate SITE.toml
int validate(const Args& args);
/// lookout sim set|get|list --control HOST:PORT ...
int sim(const Args& args);
/// lookout status [--api http://127.0.0.1:8080]
int status(const Args& args);
/// lookout token create|list|revoke ... --db AGGREGATOR.db
int token(const Args& args);
/// lookout scan --tcp HOST:PORT | --rtu PATH ... [--units FIRST-LAST]
int scan(const Args& args);
/// lookout read SITE.toml DEVICE, or lookout read --tcp|--rtu ... --unit N --holding|--input START COUNT [--raw]
int read(const Args& args);
/// lookout provision GATEWAY --enterprise E --site S --passwd FILE --acl FILE
int provision(const Args& args);
/// lookout bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]
int bundle(const Args& args);
/// lookout flash BUNDLE --target DIR [--pubkey KEY.pem]
int flash(const Args& args);

}  // namespace lookout::cli
