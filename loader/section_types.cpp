// Type section (spec 5.5.4): the module's function types.
#include <string>
#include <unordered_map>

#include "loader/decoder.h"

namespace lvm {

void ModuleDecoder::decode_types(Reader& r) {
  uint32_t n = r.count("type", 3);
  if (n > opts_.limits.max_types) {
    r.malformed("too many types", std::to_string(n) + " > " + std::to_string(opts_.limits.max_types));
    return;
  }
  m_->types.reserve(n);
  m_->canonical_type.reserve(n);
  // Structurally equal types are the same type (spec 3.4, call_indirect's
  // check compares structure): map each to the first index of its class.
  std::unordered_map<std::string, uint32_t> canon;
  std::vector<ValType> params, results;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("type", i);
    size_t at = r.offset();
    uint8_t form = r.u8();
    if (form != 0x60) {
      if (!r.ok()) return;
      if (form == 0x5E || form == 0x5F || form == 0x4E || form == 0x4F || form == 0x50)
        feature_check(r, Feature::Gc, "a struct, array or recursive type");
      else
        r.fail(ErrorKind::Malformed, at, "malformed function type", "form byte 0x" + to_hex(form));
      return;
    }
    params.clear();
    results.clear();
    uint32_t np = r.count("parameter");
    if (np > opts_.limits.max_function_params) {
      r.malformed("too many parameters", std::to_string(np));
      return;
    }
    for (uint32_t k = 0; k < np && r.ok(); ++k) params.push_back(read_valtype(r));
    uint32_t nr = r.count("result");
    if (nr > opts_.limits.max_function_results) {
      r.malformed("too many results", std::to_string(nr));
      return;
    }
    if (nr > 1 && !feature_check(r, Feature::MultiValue, "a function with several results")) return;
    for (uint32_t k = 0; k < nr && r.ok(); ++k) results.push_back(read_valtype(r));
    if (!r.ok()) return;
    m_->types.emplace_back(params, results);
    std::string key(reinterpret_cast<const char*>(params.data()), params.size());
    key += '|';
    key.append(reinterpret_cast<const char*>(results.data()), results.size());
    m_->canonical_type.push_back(canon.try_emplace(std::move(key), i).first->second);
  }
}

}  // namespace lvm
