#include "commands.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace lvm::spec {

const char* command_kind_name(CommandKind kind) {
  switch (kind) {
    case CommandKind::Module: return "module";
    case CommandKind::Register: return "register";
    case CommandKind::Action: return "action";
    case CommandKind::AssertReturn: return "assert_return";
    case CommandKind::AssertTrap: return "assert_trap";
    case CommandKind::AssertExhaustion: return "assert_exhaustion";
    case CommandKind::AssertException: return "assert_exception";
    case CommandKind::AssertMalformed: return "assert_malformed";
    case CommandKind::AssertInvalid: return "assert_invalid";
    case CommandKind::AssertUnlinkable: return "assert_unlinkable";
    case CommandKind::AssertUninstantiable: return "assert_uninstantiable";
  }
  return "?";
}

namespace {

using nlohmann::json;

std::optional<CommandKind> kind_from_name(const std::string& s) {
  static constexpr CommandKind kAll[] = {
      CommandKind::Module,           CommandKind::Register,        CommandKind::Action,
      CommandKind::AssertReturn,     CommandKind::AssertTrap,      CommandKind::AssertExhaustion,
      CommandKind::AssertException,  CommandKind::AssertMalformed,  CommandKind::AssertInvalid,   CommandKind::AssertUnlinkable,
      CommandKind::AssertUninstantiable,
  };
  for (CommandKind k : kAll)
    if (s == command_kind_name(k)) return k;
  return std::nullopt;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Value parse_value(const json& j) {
  Value v;
  v.type = str(j, "type");
  v.lane_type = str(j, "lane_type");
  if (auto it = j.find("value"); it != j.end()) {
    if (it->is_array())
      for (const auto& lane : *it) v.lanes.push_back(lane.get<std::string>());
    else
      v.lanes.push_back(it->get<std::string>());
  }
  if (auto it = j.find("values"); it != j.end())
    for (const auto& alt : *it) v.alternatives.push_back(parse_value(alt));
  return v;
}

std::vector<Value> parse_values(const json& j, const char* key) {
  std::vector<Value> out;
  if (auto it = j.find(key); it != j.end())
    for (const auto& v : *it) out.push_back(parse_value(v));
  return out;
}

Action parse_action(const json& j) {
  Action a;
  a.type = str(j, "type") == "get" ? Action::Type::Get : Action::Type::Invoke;
  a.module = str(j, "module");
  a.field = str(j, "field");
  a.args = parse_values(j, "args");
  return a;
}

Command parse_command(const json& j, const std::filesystem::path& dir, std::string& error) {
  Command c;
  c.line = j.value("line", 0);
  std::string type = str(j, "type");
  auto kind = kind_from_name(type);
  if (!kind) {
    error = "unknown command type \"" + type + "\"";
    return c;
  }
  c.kind = *kind;
  c.name = str(j, "name");
  c.as = str(j, "as");
  c.filename = str(j, "filename");
  if (!c.filename.empty()) c.module_path = dir / c.filename;
  std::string module_type = str(j, "module_type");
  c.text_module = module_type == "text" || (module_type.empty() && c.module_path.extension() == ".wat");
  c.text = str(j, "text");
  if (auto it = j.find("action"); it != j.end()) c.action = parse_action(*it);
  c.expected = parse_values(j, "expected");
  return c;
}

}  // namespace

bool read_command_file(const std::filesystem::path& path, CommandFile& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path.string();
    return false;
  }
  try {
    json j = json::parse(in);
    out.source_filename = str(j, "source_filename");
    const auto dir = path.parent_path();
    for (const auto& cj : j.at("commands")) {
      Command c = parse_command(cj, dir, error);
      if (!error.empty()) {
        error = path.filename().string() + ", line " + std::to_string(c.line) + ": " + error;
        return false;
      }
      out.commands.push_back(std::move(c));
    }
  } catch (const json::exception& e) {
    error = path.string() + ": not a wast2json file: " + e.what();
    return false;
  }
  return true;
}

}  // namespace lvm::spec
