#include "ui/i18n.hpp"
#include "ui/i18n_web.hpp"

#include <cstring>
#include <string_view>
#include <unordered_map>

namespace kt::ui {

namespace {

Lang g_lang = Lang::Ru;

struct Entry {
  const char* key;
  const char* ru;
  const char* en;
};

// Keep sorted by area; the table is small enough to be looked up through a hash map built once.
constexpr Entry kStrings[] = {
    // app frame
    {"app.name", "Картотека", "Kartoteka"},
    {"nav.deals", "Сделки", "Deals"},
    {"nav.language", "Язык", "Language"},
    {"status.saved", "Сохранено", "Saved"},
    {"status.saving", "Сохраняется…", "Saving…"},
    {"status.memory", "Только в памяти", "In memory only"},
    {"status.error", "Ошибка сохранения", "Saving failed"},
    {"storage.unavailable",
     "Хранилище браузера недоступно: изменения хранятся только в памяти и пропадут при закрытии вкладки.",
     "Browser storage is unavailable: changes are kept in memory only and will be lost when the tab closes."},
    {"loaded.warning", "Часть локального журнала была повреждена и пропущена.",
     "Part of the local journal was damaged and has been skipped."},
    // list
    {"list.title", "Сделки", "Deals"},
    {"list.count", "Всего: %d", "Total: %d"},
    {"list.empty", "Сделок пока нет", "No deals yet"},
    {"list.create", "Создать", "Create"},
    {"col.title", "Название", "Name"},
    {"col.stage", "Стадия", "Stage"},
    {"col.amount", "Сумма", "Amount"},
    {"col.client", "Клиент", "Client"},
    {"col.closedate", "Дата завершения", "Close date"},
    {"col.responsible", "Ответственный", "Responsible"},
    // card
    {"card.back", "К списку", "Back to list"},
    {"card.general", "Общие", "General"},
    {"card.timeline", "История", "History"},
    {"card.not_found", "Элемент не найден. Возможно, он был удалён.", "Item not found. It may have been deleted."},
    {"card.empty_value", "не заполнено", "not filled"},
    {"card.undo", "Отменить", "Undo"},
    {"card.redo", "Повторить", "Redo"},
    {"card.save_hint", "Enter — сохранить, Esc — отменить", "Enter to save, Esc to cancel"},
    {"card.save_hint_multiline", "Ctrl+Enter — сохранить, Esc — отменить",
     "Ctrl+Enter to save, Esc to cancel"},
    {"card.search", "Поиск", "Search"},
    {"card.none", "Не выбрано", "None"},
    {"card.clear", "Очистить", "Clear"},
    {"card.done", "Готово", "Done"},
    {"card.new_deal", "Новая сделка", "New deal"},
    // timeline
    {"tl.created", "Создан элемент", "Item created"},
    {"tl.created.deal", "Сделка создана", "Deal created"},
    {"tl.field_changed", "Изменено поле", "Field changed"},
    {"tl.stage_changed", "Смена стадии", "Stage changed"},
    {"tl.overridden", "Одновременное изменение: значение не применено", "Concurrent edit: value not applied"},
    {"tl.empty", "пусто", "empty"},
    {"tl.no_entries", "Событий пока нет", "No events yet"},
    {"tl.system", "Система", "System"},
    // errors
    {"err.invalid_date", "Введите дату, например 26.11.2026", "Enter a date, for example 26.11.2026"},
    {"err.invalid_datetime", "Введите дату и время, например 26.11.2026 18:30",
     "Enter a date and time, for example 26.11.2026 18:30"},
    {"err.invalid_integer", "Введите целое число", "Enter a whole number"},
    {"err.invalid_number", "Введите число", "Enter a number"},
    {"err.invalid_money", "Введите сумму, например 150 000,50", "Enter an amount, for example 150,000.50"},
    {"err.invalid_currency", "Выберите валюту", "Choose a currency"},
    {"err.invalid_email", "Введите адрес электронной почты, например name@example.com",
     "Enter an e-mail address, for example name@example.com"},
    {"err.invalid_phone", "Введите номер телефона, например +7 912 555-10-01",
     "Enter a phone number, for example +7 912 555-10-01"},
    {"err.invalid_url", "Введите адрес сайта, например https://example.com",
     "Enter a web address, for example https://example.com"},
    {"err.too_long", "Слишком длинный текст", "The text is too long"},
    {"err.unknown_option", "Выберите значение из списка", "Choose a value from the list"},
    {"err.unknown_user", "Такого сотрудника нет", "No such employee"},
    {"err.unknown_item", "Элемент не найден", "Item not found"},
    {"err.unknown_stage", "Такой стадии нет в воронке", "No such stage in the pipeline"},
    {"err.undo_conflict", "Нельзя отменить: поле уже изменено другим пользователем",
     "Cannot undo: the field has been changed by someone else"},
    {"err.nothing_to_undo", "Нечего отменять", "Nothing to undo"},
    {"err.nothing_to_redo", "Нечего повторять", "Nothing to redo"},
    {"err.storage_error", "Не удалось сохранить изменение", "The change could not be saved"},
    {"err.generic", "Значение не подходит для этого поля", "This value does not fit the field"},
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

void set_language(Lang lang) { g_lang = lang; }
Lang language() { return g_lang; }

const char* tr(const char* key) {
  auto it = table().find(key);
  if (it == table().end()) return tr_web(key) ? tr_web(key) : key;
  return g_lang == Lang::En ? it->second->en : it->second->ru;
}

std::string error_text(const std::string& code) {
  std::string key = "err." + code;
  const char* s = tr(key.c_str());
  return s == key.c_str() || std::strcmp(s, key.c_str()) == 0 ? tr("err.generic") : s;
}

}  // namespace kt::ui
