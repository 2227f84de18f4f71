// A hash map from strings to values, for the workspace's items (100k and more): std::unordered_map's
// interface as the workspace uses it, with the lookup it needs to be fast.
//
// std::unordered_map (libstdc++) finds a key through its bucket, then the node *before* the bucket's first
// one (a node of another bucket, anywhere in memory), then the node: three waits for memory per lookup of
// an item not in the cache, and a merge of 100k changes spent 40% of its time there. Here a lookup reads one
// slot of a flat table (the key's hash and its node: linear probing, at most 3/4 full) and then the node it
// needs anyway. Nodes never move: references and pointers to values stay valid until their key is erased;
// iterators are invalidated by any insertion or erasure (erasing shifts the slots after it back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace kt {

template <typename V>
class StringMap {
 public:
  using value_type = std::pair<const std::string, V>;

 private:
  struct Entry {
    size_t hash = 0;
    value_type* node = nullptr;  // nullptr: an empty slot
  };

 public:
  template <bool Const>
  class Iter {
    using Table = std::conditional_t<Const, const std::vector<Entry>, std::vector<Entry>>;

   public:
    using reference = std::conditional_t<Const, const value_type&, value_type&>;
    using pointer = std::conditional_t<Const, const value_type*, value_type*>;
    Iter() = default;
    Iter(Table* t, size_t i) : t_(t), i_(i) { skip(); }
    operator Iter<true>() const { return Iter<true>(t_, i_); }
    reference operator*() const { return *(*t_)[i_].node; }
    pointer operator->() const { return (*t_)[i_].node; }
    Iter& operator++() {
      ++i_;
      skip();
      return *this;
    }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }

   private:
    friend class StringMap;
    void skip() {
      while (t_ && i_ < t_->size() && !(*t_)[i_].node) ++i_;
    }
    Table* t_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  StringMap() = default;
  StringMap(const StringMap& o) { *this = o; }
  StringMap(StringMap&& o) noexcept { swap(o); }
  StringMap& operator=(const StringMap& o) {
    if (this == &o) return *this;
    clear();
    reserve(o.size_);
    for (const auto& [k, v] : o) emplace(k, v);
    return *this;
  }
  StringMap& operator=(StringMap&& o) noexcept {
    StringMap(std::move(o)).swap(*this);
    return *this;
  }
  ~StringMap() { clear(); }
  void swap(StringMap& o) noexcept {
    table_.swap(o.table_);
    std::swap(size_, o.size_);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  iterator begin() { return iterator(&table_, 0); }
  iterator end() { return iterator(&table_, table_.size()); }
  const_iterator begin() const { return const_iterator(&table_, 0); }
  const_iterator end() const { return const_iterator(&table_, table_.size()); }

  iterator find(const std::string& key) { return iterator(&table_, index_of(key)); }
  const_iterator find(const std::string& key) const { return const_iterator(&table_, index_of(key)); }
  size_t count(const std::string& key) const { return index_of(key) != table_.size(); }
  V& at(const std::string& key) {
    const size_t i = index_of(key);
    if (i == table_.size()) throw std::out_of_range("StringMap::at: " + key);
    return table_[i].node->second;
  }
  const V& at(const std::string& key) const { return const_cast<StringMap*>(this)->at(key); }
  V& operator[](const std::string& key) { return emplace(key, V{}).first->second; }

  // Inserts (key, value) unless the key is there: the element and whether it was inserted.
  template <typename K, typename... Args>
  std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    const std::string& k = key;
    const size_t h = std::hash<std::string>{}(k);
    if (size_t i = probe(k, h); i != table_.size() && table_[i].node) return {iterator(&table_, i), false};
    if ((size_ + 1) * 4 > table_.size() * 3) grow(table_.empty() ? 16 : table_.size() * 2);
    auto node = std::make_unique<value_type>(std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                                             std::forward_as_tuple(std::forward<Args>(args)...));
    const size_t i = probe(node->first, h);
    table_[i] = Entry{h, node.release()};
    ++size_;
    return {iterator(&table_, i), true};
  }

  void erase(iterator it) { erase_at(it.i_); }
  size_t erase(const std::string& key) {
    const size_t i = index_of(key);
    if (i == table_.size()) return 0;
    erase_at(i);
    return 1;
  }
  void clear() {
    for (auto& e : table_) delete e.node;
    std::vector<Entry>().swap(table_);
    size_ = 0;
  }
  // Room for n elements without growing.
  void reserve(size_t n) {
    size_t cap = 16;
    while (n * 4 > cap * 3) cap *= 2;
    if (cap > table_.size()) grow(cap);
  }

 private:
  size_t mask() const { return table_.size() - 1; }
  // The key's slot, or the empty slot where it would go (table_.size() when there is no table).
  size_t probe(const std::string& key, size_t h) const {
    if (table_.empty()) return 0;
    for (size_t i = h & mask();; i = (i + 1) & mask()) {
      const Entry& e = table_[i];
      if (!e.node || (e.hash == h && e.node->first == key)) return i;
    }
  }
  size_t index_of(const std::string& key) const {
    if (table_.empty()) return 0;
    const size_t i = probe(key, std::hash<std::string>{}(key));
    return table_[i].node ? i : table_.size();
  }
  void grow(size_t cap) {
    std::vector<Entry> old(cap);
    old.swap(table_);
    for (const Entry& e : old)
      if (e.node) {
        size_t i = e.hash & mask();
        while (table_[i].node) i = (i + 1) & mask();
        table_[i] = e;
      }
  }
  // Removes slot i and shifts back the slots after it that probing would no longer reach.
  void erase_at(size_t i) {
    delete table_[i].node;
    table_[i] = Entry{};
    --size_;
    for (size_t j = (i + 1) & mask(); table_[j].node; j = (j + 1) & mask()) {
      const size_t home = table_[j].hash & mask();
      // Entry j stays when its home lies cyclically in (i, j].
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (stays) continue;
      table_[i] = table_[j];
      table_[j] = Entry{};
      i = j;
    }
  }

  std::vector<Entry> table_;
  size_t size_ = 0;
};

}  // namespace kt
