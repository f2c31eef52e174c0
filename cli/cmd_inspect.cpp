#include "cli/commands.h"
namespace lvm::cli { int cmd_inspect(const std::vector<std::string>&) { return 2; } }
