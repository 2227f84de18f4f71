// libFuzzer target: a .vcf file as the import dialog reads it (any version, folding, quoted-printable,
// charsets), its cards imported as contacts into the demo workspace, and each card written back out and read.
#include <cstdint>

#include "core/io/vcard.hpp"
#include "fuzz_support.hpp"

using namespace kt;
using namespace kt::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  std::vector<VCardProblem> problems;
  const std::vector<VCard> cards = parse_vcards(fuzz::bytes_of(data, size), &problems);
  const VCardTable t = vcards_as_table(cards);
  KT_FUZZ_CHECK(t.rows.size() == t.lines.size());
  for (const auto& r : t.rows) KT_FUZZ_CHECK(r.size() == t.columns.size());

  // What we write, we read: one card back from each written card.
  for (size_t i = 0; i < cards.size() && i < 8; ++i)
    for (VCardVersion v : {VCardVersion::V3, VCardVersion::V4}) {
      const std::string out = write_vcard(cards[i], v);
      const std::vector<VCard> back = parse_vcards(out);
      KT_FUZZ_CHECK(back.size() == 1);
    }

  fuzz::import_table("contact", t.header, t.rows, t.lines);
  return 0;
}
