// Instantiation (spec 4.5.4): resolve and type-check imports (spec 4.5.2
// import matching), allocate functions, tables, memories and globals,
// evaluate constant expressions, apply element and data segments in order,
// run the start function.
#include <cstring>
#include <string>

#include "vm/instance.h"
#include "vm/interpreter.h"
#include "vm/memory_pool.h"

namespace lvm {

namespace {

// Limits subtyping (spec 4.5.2.1): the provided limits are at least as tight.
bool limits_match(uint64_t min, std::optional<uint64_t> max, const Limits& want) {
  if (min < want.min) return false;
  if (want.max) {
    if (!max || *max > *want.max) return false;
  }
  return true;
}

std::string import_name(const Import& imp) { return "\"" + imp.module + "\" \"" + imp.field + "\""; }

}  // namespace

class Instantiator {
 public:
  Instantiator(std::shared_ptr<const Module> m, const ImportResolver& resolve, const InstanceConfig& config)
      : resolve_(resolve), config_(config) {
    inst_.reset(new Instance());
    inst_->module_ = std::move(m);
  }

  std::variant<std::unique_ptr<Instance>, InstantiateError> run() {
    const Module& m = *inst_->module_;
    if (auto err = link(m)) return *err;
    if (auto err = allocate(m)) return *err;
    if (auto err = init_segments(m)) {
      err->partial = std::move(inst_);
      return std::move(*err);
    }
    if (config_.run_start && m.start) {
      Trap t = invoke(*inst_, *m.start, nullptr, nullptr);
      if (t != Trap::None) return InstantiateError{InstantiateError::Kind::Trap, t, trap_text(t), std::move(inst_)};
    }
    return std::move(inst_);
  }

 private:
  std::string trap_text(Trap t) const {
    return inst_->trap_message.empty() ? trap_message(t) : inst_->trap_message;
  }

  std::optional<InstantiateError> link_error(const Import& imp, const std::string& why) {
    return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                            "unknown import " + import_name(imp) + ": " + why, nullptr};
  }

  std::optional<InstantiateError> link(const Module& m) {
    Instance& in = *inst_;
    for (const Import& imp : m.imports) {
      std::optional<Extern> ext = resolve_ ? resolve_(m, imp) : std::nullopt;
      if (!ext) return link_error(imp, "nothing provides it");
      if (ext->kind != imp.kind)
        return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                                "incompatible import type for " + import_name(imp) + ": expected a " +
                                    extern_kind_name(imp.kind) + ", got a " + extern_kind_name(ext->kind), nullptr};
      auto mismatch = [&](const std::string& why) {
        return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                                "incompatible import type for " + import_name(imp) + ": " + why, nullptr};
      };
      switch (imp.kind) {
        case ExternKind::Func: {
          const FuncType& want = m.func_type(imp.index);
          if (!ext->func || !(*ext->func->type == want))
            return mismatch("expected " + want.to_string() + ", got " +
                            (ext->func ? ext->func->type->to_string() : std::string("nothing")));
          in.funcs.push_back(ext->func);
          break;
        }
        case ExternKind::Table: {
          const TableType& want = m.tables[imp.index].type;
          const TableInst* t = ext->table.get();
          if (!t || t->elem != want.elem || !limits_match(t->size(), t->max, want.limits))
            return mismatch("table type or limits do not match");
          in.tables.push_back(ext->table);
          break;
        }
        case ExternKind::Memory: {
          const MemoryType& want = m.memories[imp.index].type;
          const LinearMemory* mem = ext->memory.get();
          if (!mem || !limits_match(mem->pages(), mem->max_pages(), want.limits))
            return mismatch("memory limits do not match");
          in.memories.push_back(ext->memory);
          break;
        }
        case ExternKind::Global: {
          const GlobalType& want = m.globals[imp.index].type;
          const GlobalInst* g = ext->global.get();
          if (!g || g->type.type != want.type || g->type.mutable_ != want.mutable_)
            return mismatch(std::string("expected ") + (want.mutable_ ? "mut " : "") + valtype_name(want.type));
          in.globals.push_back(ext->global);
          break;
        }
        default: return link_error(imp, "tags are not supported");
      }
    }
    return std::nullopt;
  }

  // Evaluates a constant expression (spec 4.4.10) into two words.
  void eval(const ConstExpr& e, uint64_t out[2]) {
    out[0] = e.bits[0];
    out[1] = e.bits[1];
    switch (e.kind) {
      case ConstExpr::Kind::RefNull: out[0] = 0; break;
      case ConstExpr::Kind::RefFunc: out[0] = reinterpret_cast<uintptr_t>(inst_->funcs[e.index]); break;
      case ConstExpr::Kind::GlobalGet: {
        const GlobalInst& g = *inst_->globals[e.index];
        out[0] = g.value[0];
        out[1] = g.value[1];
        break;
      }
      default: break;
    }
  }

  std::optional<InstantiateError> allocate(const Module& m) {
    Instance& in = *inst_;
    // One array, sized to the module's functions (its addresses stay put).
    if (m.functions.size() > m.num_imported_functions)
      in.own_funcs_ = std::make_unique<FuncInst[]>(m.functions.size() - m.num_imported_functions);
    for (size_t i = m.num_imported_functions; i < m.functions.size(); ++i) {
      FuncInst& f = in.own_funcs_[i - m.num_imported_functions];
      f.type = &m.func_type(uint32_t(i));
      f.type_id = intern_func_type(*f.type);
      f.instance = config_.contextual_functions ? nullptr : &in;
      f.index = uint32_t(i);
      in.funcs.push_back(&f);
    }
    for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
      const TableType& t = m.tables[i].type;
      auto table = std::make_shared<TableInst>();
      table->elem = t.elem;
      table->max = t.limits.max ? std::optional<uint32_t>(uint32_t(*t.limits.max)) : std::nullopt;
      table->elems.assign(t.limits.min, nullptr);
      in.tables.push_back(std::move(table));
    }
    for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
      const Limits& l = m.memories[i].type.limits;
      if (l.min > config_.max_memory_pages)
        return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                                "memory " + std::to_string(i) + " needs " + std::to_string(l.min) +
                                    " pages, more than the limit of " + std::to_string(config_.max_memory_pages),
                                nullptr};
      constexpr uint64_t kSmallPages = MemoryPool::kSmallSlotMax / kPageSize;
      std::shared_ptr<LinearMemory> mem;
      if (config_.small_memory_slots && l.min <= kSmallPages)
        mem = MemoryPool::global().acquire(l.min, l.max, std::min(config_.max_memory_pages, kSmallPages));
      else
        mem = LinearMemory::create(l.min, l.max, config_.max_memory_pages);
      if (!mem)
        return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                                "cannot reserve address space for memory " + std::to_string(i), nullptr};
      in.memories.push_back(std::move(mem));
    }
    for (size_t i = m.num_imported_globals; i < m.globals.size(); ++i) {
      auto g = std::make_shared<GlobalInst>();
      g->type = m.globals[i].type;
      eval(m.globals[i].init, g->value);
      in.globals.push_back(std::move(g));
    }
    in.dropped_elems.assign(m.elements.size(), false);
    in.dropped_data.assign(m.data.size(), false);
    in.code_owner_ = CodeCache::for_module(in.module_);
    in.code = in.code_owner_.get();
    return std::nullopt;
  }

  std::optional<InstantiateError> init_segments(const Module& m) {
    Instance& in = *inst_;
    for (size_t i = 0; i < m.elements.size(); ++i) {
      const ElementSegment& seg = m.elements[i];
      if (seg.mode == ElementSegment::Mode::Passive) continue;
      in.dropped_elems[i] = true;  // active and declarative segments are dropped
      if (seg.mode != ElementSegment::Mode::Active) continue;
      uint64_t off[2];
      eval(seg.offset, off);
      TableInst& t = *in.tables[seg.table];
      uint64_t start = uint32_t(off[0]);
      if (start + seg.items.size() > t.size())
        return InstantiateError{InstantiateError::Kind::Trap, Trap::TableOutOfBounds, trap_message(Trap::TableOutOfBounds), nullptr};
      for (size_t k = 0; k < seg.items.size(); ++k) {
        uint64_t v[2];
        eval(seg.items[k], v);
        t.elems[start + k] = reinterpret_cast<void*>(uintptr_t(v[0]));
      }
    }
    for (size_t i = 0; i < m.data.size(); ++i) {
      const DataSegment& seg = m.data[i];
      if (seg.mode != DataSegment::Mode::Active) continue;
      in.dropped_data[i] = true;
      uint64_t off[2];
      eval(seg.offset, off);
      LinearMemory& mem = *in.memories[seg.memory];
      uint64_t start = uint32_t(off[0]);
      if (!mem.in_bounds(start, seg.bytes.size))
        return InstantiateError{InstantiateError::Kind::Trap, Trap::MemoryOutOfBounds, trap_message(Trap::MemoryOutOfBounds), nullptr};
      if (seg.bytes.size) std::memcpy(mem.base() + start, m.data_ptr(seg.bytes), seg.bytes.size);
    }
    return std::nullopt;
  }

  const ImportResolver& resolve_;
  const InstanceConfig& config_;
  std::unique_ptr<Instance> inst_;
};

std::variant<std::unique_ptr<Instance>, InstantiateError> Instance::instantiate(
    std::shared_ptr<const Module> module, const ImportResolver& imports, const InstanceConfig& config) {
  return Instantiator(std::move(module), imports, config).run();
}

std::optional<Extern> Instance::get_export(std::string_view name) const {
  for (const Export& e : module_->exports) {
    if (e.name != name) continue;
    Extern x;
    x.kind = e.kind;
    switch (e.kind) {
      case ExternKind::Func: x.func = funcs[e.index]; break;
      case ExternKind::Table: x.table = tables[e.index]; break;
      case ExternKind::Memory: x.memory = memories[e.index]; break;
      case ExternKind::Global: x.global = globals[e.index]; break;
      default: return std::nullopt;
    }
    return x;
  }
  return std::nullopt;
}

}  // namespace lvm
