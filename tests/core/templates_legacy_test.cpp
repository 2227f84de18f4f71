// The default numerators and templates from assets/templates/ are those the C++ of documents_defaults.cpp
// made before issue 23, byte for byte (a copy of that C++ below, kept until the move is done).
#include <doctest/doctest.h>

#include "core/documents.hpp"

using namespace kt;

namespace legacy {
namespace {

// Shared page setup: A4 with margins, a sheet on a grey desk on screen, the bare page in print.
const char* kPageStyle = R"CSS(
  @page { size: A4; margin: 15mm 12mm 15mm 20mm; }
  * { box-sizing: border-box; }
  html { background: #e9ecef; }
  body { margin: 0; color: #000; font: 10pt/1.4 Arial, "Helvetica Neue", Helvetica, "Liberation Sans", sans-serif; }
  .page { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 15mm 12mm 15mm 20mm; background: #fff;
          box-shadow: 0 1mm 4mm rgba(0, 0, 0, 0.2); }
  table { width: 100%; border-collapse: collapse; }
  h1 { font-size: 14pt; margin: 7mm 0 3mm; padding-bottom: 2mm; border-bottom: 2px solid #000; }
  h2 { font-size: 11pt; margin: 6mm 0 2mm; }
  .items { margin-top: 4mm; }
  .items th, .items td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; }
  .items th { background: #f0f0f0; text-align: center; font-weight: bold; }
  .num { text-align: right; white-space: nowrap; }
  .center { text-align: center; }
  .totals { width: auto; margin: 2mm 0 0 auto; }
  .totals td { padding: 0.6mm 0 0.6mm 5mm; text-align: right; font-weight: bold; white-space: nowrap; }
  .words { margin-top: 4mm; }
  .words b { display: block; margin-top: 1mm; }
  .muted { color: #555; font-size: 8pt; }
  .sign td { padding-top: 9mm; vertical-align: bottom; white-space: nowrap; }
  .sign .line { width: 38mm; border-bottom: 1px solid #000; }
  .sign .name { padding-left: 2mm; }
  @media print {
    html { background: none; }
    .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
    .items tr, .totals, .words, .sign { page-break-inside: avoid; }
  }
)CSS";

const char* kInvoiceBody = R"HTML(<body>
<div class="page">
  <table class="bank">
    <tr>
      <td colspan="2" rowspan="2" class="wide">{MyCompany.BankName}<br><span class="muted">Банк получателя</span></td>
      <td class="key">БИК</td>
      <td>{MyCompany.BIK}</td>
    </tr>
    <tr>
      <td class="key">Сч. №</td>
      <td>{MyCompany.CorrAccount}</td>
    </tr>
    <tr>
      <td>ИНН {MyCompany.INN}</td>
      <td>КПП {MyCompany.KPP}</td>
      <td class="key" rowspan="2">Сч. №</td>
      <td rowspan="2">{MyCompany.Account}</td>
    </tr>
    <tr>
      <td colspan="2">{MyCompany.Name}<br><span class="muted">Получатель</span></td>
    </tr>
  </table>

  <h1>Счёт на оплату № {DocumentNumber} от {DocumentCreateTime~d F Y} г.</h1>

  <table class="parties">
    <tr>
      <td class="role">Поставщик<br>(Исполнитель):</td>
      <td><b>{MyCompany.Name}{#MyCompany.INN}, ИНН {MyCompany.INN}{/MyCompany.INN}{#MyCompany.KPP}, КПП {MyCompany.KPP}{/MyCompany.KPP}{#MyCompany.Address}, {MyCompany.Address}{/MyCompany.Address}{#MyCompany.Phone}, тел.: {MyCompany.Phone}{/MyCompany.Phone}</b></td>
    </tr>
    <tr>
      <td class="role">Покупатель<br>(Заказчик):</td>
      <td><b>{Client.Name}{#Client.Address}, {Client.Address}{/Client.Address}{#Client.Phone}, тел.: {Client.Phone}{/Client.Phone}</b></td>
    </tr>
    <tr>
      <td class="role">Основание:</td>
      <td><b>{Title}</b></td>
    </tr>
  </table>

  <table class="items">
    <thead>
      <tr>
        <th style="width: 8mm;">№</th>
        <th>Товары (работы, услуги)</th>
        <th style="width: 17mm;">Кол-во</th>
        <th style="width: 12mm;">Ед.</th>
        <th style="width: 25mm;">Цена</th>
        <th style="width: 15mm;">Скидка</th>
        <th style="width: 27mm;">Сумма</th>
      </tr>
    </thead>
    <tbody>
{#Products}      <tr>
        <td class="center">{Products.INDEX}</td>
        <td>{Products.Name}</td>
        <td class="num">{Products.Quantity}</td>
        <td class="center">{Products.Unit}</td>
        <td class="num">{Products.Price~number}</td>
        <td class="num">{#Products.Discount}{Products.Discount}%{/Products.Discount}</td>
        <td class="num">{Products.Sum~number}</td>
      </tr>
{/Products}{^Products}      <tr><td colspan="7" class="center muted">Нет товаров</td></tr>
{/Products}    </tbody>
  </table>

  <table class="totals">
    <tr><td>Итого:</td><td>{TotalSubtotal~number}</td></tr>
{#TotalTax}    <tr><td>{TotalTaxTitle}:</td><td>{TotalTax~number}</td></tr>
{/TotalTax}{^TotalTax}    <tr><td>Без налога (НДС):</td><td>—</td></tr>
{/TotalTax}    <tr><td>Всего к оплате:</td><td>{TotalSum~number}</td></tr>
  </table>

  <div class="words">
    Всего наименований {TotalRows}, на сумму {TotalSum}
    <b>{TotalSum~words}</b>
  </div>

  <p class="muted">Оплата данного счёта означает согласие с условиями поставки товара. Уведомление об оплате
  обязательно, в противном случае не гарантируется наличие товара на складе. Товар отпускается по факту
  прихода денег на р/с Поставщика, самовывозом, при наличии доверенности и паспорта.</p>

  <table class="sign">
    <tr>
      <td style="width: 24mm;"><b>Руководитель</b></td>
      <td class="line"></td>
      <td class="name">{MyCompany.Director}</td>
      <td style="width: 22mm; padding-left: 6mm;"><b>Бухгалтер</b></td>
      <td class="line"></td>
      <td class="name">{MyCompany.Accountant}</td>
    </tr>
    <tr><td></td><td class="center muted" style="padding-top: 4mm;">М. П.</td><td colspan="4"></td></tr>
  </table>
</div>
</body>
</html>
)HTML";

const char* kInvoiceStyle = R"CSS(
  .bank td { border: 1px solid #000; padding: 1mm 2mm; vertical-align: top; }
  .bank .wide { width: 105mm; }
  .bank .key { width: 17mm; }
  .parties td { padding: 1.5mm 0; vertical-align: top; }
  .parties .role { width: 30mm; padding-right: 3mm; }
)CSS";

const char* kQuoteBody = R"HTML(<body>
<div class="page">
  <table class="letterhead">
    <tr>
      <td><div class="brand">{MyCompany.Name}</div>{#MyCompany.Address}{MyCompany.Address}<br>{/MyCompany.Address}{#MyCompany.Phone}тел.: {MyCompany.Phone}{/MyCompany.Phone}{#MyCompany.Email}{#MyCompany.Phone} · {/MyCompany.Phone}{MyCompany.Email}{/MyCompany.Email}</td>
      <td class="to">
        <div class="muted">Кому</div>
        <b>{Client.Name}</b>{#Contact.Name}<br>{Contact.Name}{#Contact.Post}, {Contact.Post}{/Contact.Post}{/Contact.Name}
      </td>
    </tr>
  </table>

  <h1>Коммерческое предложение № {DocumentNumber} от {DocumentCreateTime~d F Y} г.</h1>

  <p>{#Contact.FirstName}{Contact.FirstName}, добрый день!{/Contact.FirstName}{^Contact.FirstName}Добрый день!{/Contact.FirstName}</p>
  <p>Благодарим за интерес к нашей компании. По вашему запросу{#Title} «{Title}»{/Title} предлагаем следующие
  товары и услуги:</p>

  <table class="items">
    <thead>
      <tr>
        <th style="width: 8mm;">№</th>
        <th>Наименование</th>
        <th style="width: 17mm;">Кол-во</th>
        <th style="width: 12mm;">Ед.</th>
        <th style="width: 25mm;">Цена</th>
        <th style="width: 15mm;">Скидка</th>
        <th style="width: 27mm;">Сумма</th>
      </tr>
    </thead>
    <tbody>
{#Products}      <tr>
        <td class="center">{Products.INDEX}</td>
        <td>{Products.Name}</td>
        <td class="num">{Products.Quantity}</td>
        <td class="center">{Products.Unit}</td>
        <td class="num">{Products.Price~number}</td>
        <td class="num">{#Products.Discount}{Products.Discount}%{/Products.Discount}</td>
        <td class="num">{Products.Sum~number}</td>
      </tr>
{/Products}{^Products}      <tr><td colspan="7" class="center muted">Состав предложения уточняется</td></tr>
{/Products}    </tbody>
  </table>

  <table class="totals">
{#TotalDiscount}    <tr><td>Ваша скидка:</td><td>{TotalDiscount~number}</td></tr>
{/TotalDiscount}    <tr><td>Итого:</td><td>{TotalSubtotal~number}</td></tr>
{#TotalTax}    <tr><td>{TotalTaxTitle}:</td><td>{TotalTax~number}</td></tr>
{/TotalTax}    <tr><td>Всего:</td><td>{TotalSum}</td></tr>
  </table>
  <div class="words">Сумма предложения: <b>{TotalSum~words}</b></div>

{#COMMENTS}  <h2>Условия</h2>
  <p class="terms">{COMMENTS}</p>
{/COMMENTS}
  <p>Будем рады ответить на ваши вопросы{#Responsible}: ваш менеджер — {Responsible}{/Responsible}.</p>

  <table class="sign">
    <tr>
      <td style="width: 40mm;">С уважением,<br><b>Руководитель</b></td>
      <td class="line"></td>
      <td class="name">{MyCompany.Director}</td>
    </tr>
  </table>
</div>
</body>
</html>
)HTML";

const char* kQuoteStyle = R"CSS(
  .letterhead { padding-bottom: 4mm; border-bottom: 1px solid #999; }
  .letterhead td { vertical-align: top; font-size: 9pt; }
  .letterhead .brand { font-size: 15pt; font-weight: bold; margin-bottom: 1mm; }
  .letterhead .to { width: 70mm; text-align: right; }
  .terms { white-space: pre-line; }
)CSS";

std::string page(const char* title, const char* extra_style, const char* body) {
  return std::string("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n") +
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + title +
         "</title>\n<style>" + kPageStyle + extra_style + "</style>\n</head>\n" + body;
}

}  // namespace

std::vector<Numerator> default_numerators_cpp() {
  Numerator invoice;
  invoice.id = "invoice";
  invoice.name = {"Счета", "Invoices"};
  invoice.pattern = "СЧ-{YEAR}-{NUMBER}";
  invoice.length = 4;
  invoice.periodic = "year";

  Numerator quote = invoice;
  quote.id = "quote";
  quote.name = {"Коммерческие предложения", "Quotes"};
  quote.pattern = "КП-{YEAR}-{NUMBER}";
  return {invoice, quote};
}

std::vector<DocTemplate> default_templates_cpp() {
  DocTemplate invoice;
  invoice.id = "invoice";
  invoice.name = {"Счёт на оплату", "Invoice"};
  invoice.numerator_id = "invoice";
  invoice.region = "ru";
  invoice.targets = {{"deal", ""}, {"invoice", ""}};
  invoice.access = {"UA"};
  invoice.sort = 100;
  invoice.body = page("Счёт на оплату № {DocumentNumber}", kInvoiceStyle, kInvoiceBody);

  DocTemplate quote;
  quote.id = "quote";
  quote.name = {"Коммерческое предложение", "Commercial offer"};
  quote.numerator_id = "quote";
  quote.region = "ru";
  quote.targets = {{"deal", ""}, {"quote", ""}};
  quote.access = {"UA"};
  quote.sort = 200;
  quote.body = page("Коммерческое предложение № {DocumentNumber}", kQuoteStyle, kQuoteBody);
  return {invoice, quote};
}

}  // namespace legacy

TEST_CASE("the default templates and numerators from assets/templates/ are the C++ ones, byte for byte") {
  CHECK(default_numerators() == legacy::default_numerators_cpp());
  const auto got = default_templates(), want = legacy::default_templates_cpp();
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].body == want[i].body);
    CHECK(got[i] == want[i]);
  }
}
