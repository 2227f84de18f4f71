#include "ui/i18n_web.hpp"

#include <string_view>
#include <unordered_map>

#include "ui/i18n.hpp"

namespace kt::ui {

namespace {

struct Entry {
  const char* key;
  const char* ru;
  const char* en;
};

constexpr Entry kStrings[] = {
    // help panel
    {"help.button", "Сочетания клавиш (F1)", "Keyboard shortcuts (F1)"},
    {"help.title", "Сочетания клавиш", "Keyboard shortcuts"},
    {"help.close", "Закрыть", "Close"},
    {"help.undo", "Отменить последнее изменение", "Undo the last change"},
    {"help.redo", "Повторить отменённое изменение", "Redo the undone change"},
    {"help.enter", "Сохранить поле", "Save the field"},
    {"help.ctrl_enter", "Сохранить многострочное поле (Enter в нём — новая строка)",
     "Save a multi-line field (Enter in it starts a new line)"},
    {"help.esc", "Отменить редактирование, закрыть окно", "Cancel editing, close a window"},
    {"help.tab", "Следующее / предыдущее поле карточки", "Next / previous field of the card"},
    {"help.clipboard", "Копировать, вырезать, вставить текст в поле", "Copy, cut, paste text in a field"},
    {"help.select_all", "Выделить весь текст поля", "Select all text of the field"},
    {"help.word", "Перейти на слово влево / вправо (с Shift — выделить)",
     "Move a word left / right (with Shift: select)"},
    {"help.f1", "Открыть или закрыть эту справку", "Open or close this help"},
    {"help.or", "или", "or"},
    // progress and offline
    {"progress.offline", "Картотека сохраняется для работы без сети", "Saving Kartoteka for offline use"},
    {"offline.ready", "Картотека сохранена и будет работать без сети", "Kartoteka is saved and will work offline"},
    {"offline.updated", "Загружена новая версия Картотеки: она откроется при следующем запуске",
     "A new version of Kartoteka is ready: it opens next time"},
    // storage problems, shown in the banner after "Browser storage is unavailable: ..."
    {"storage.err.unavailable", "этот браузер не даёт сайту IndexedDB (например, в приватном режиме)",
     "this browser gives the site no IndexedDB (for example in private mode)"},
    {"storage.err.open_failed", "не удалось открыть IndexedDB", "IndexedDB could not be opened"},
    {"storage.err.quota",
     "в хранилище браузера не осталось места — освободите место на диске или удалите данные других сайтов",
     "the browser's storage is full — free disk space or clear other sites' data"},
    {"storage.err.write_failed", "не удалось записать в IndexedDB", "writing to IndexedDB failed"},
};

const std::unordered_map<std::string_view, const Entry*>& table() {
  static const auto kTable = [] {
    std::unordered_map<std::string_view, const Entry*> m;
    for (const auto& e : kStrings) m.emplace(e.key, &e);
    return m;
  }();
  return kTable;
}

}  // namespace

const char* tr_web(const char* key) {
  auto it = table().find(key);
  if (it == table().end()) return nullptr;
  return language() == Lang::En ? it->second->en : it->second->ru;
}

}  // namespace kt::ui
