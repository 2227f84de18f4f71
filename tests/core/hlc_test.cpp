#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "core/hlc.hpp"

using namespace kt;

TEST_CASE("the clock is strictly increasing even when the wall clock stalls or goes back") {
  HlcClock c("a");
  Hlc h1 = c.tick(1000);
  Hlc h2 = c.tick(1000);
  Hlc h3 = c.tick(900);
  Hlc h4 = c.tick(2000);
  CHECK(h1 < h2);
  CHECK(h2 < h3);
  CHECK(h3 < h4);
  CHECK(h4.counter == 0);
}

TEST_CASE("observing a remote clock orders later local events after it") {
  HlcClock a("a"), b("b");
  Hlc remote = b.tick(5000);
  a.observe(remote, 1000);
  Hlc local = a.tick(1000);
  CHECK(remote < local);
}

TEST_CASE("ties on time and counter break by node id") {
  Hlc x{1000, 0, "a"}, y{1000, 0, "b"};
  CHECK(x < y);
}

TEST_CASE("string form sorts like the clock and parses back") {
  Hlc a{1000, 2, "client-1"}, b{1000, 10, "client-1"}, c{4096, 0, "x"};
  CHECK(a.str() < b.str());
  CHECK(b.str() < c.str());
  Hlc back;
  REQUIRE(Hlc::parse(b.str(), &back));
  CHECK(back == b);
  CHECK_FALSE(Hlc::parse("garbage", &back));
  CHECK_FALSE(Hlc::parse("00000000000003e8-zz-a", &back));
}

TEST_CASE("node ids are interned: equal strings give equal ids, order is the strings' order") {
  // Created in the reverse of their string order, so that numbering order differs from string order.
  NodeId z("zz-client-0123456789"), m("mm-client-0123456789"), a("aa-client-0123456789");
  CHECK(NodeId(std::string("mm-client-0123456789")) == m);
  CHECK(m.str() == "mm-client-0123456789");
  CHECK(a < m);
  CHECK(m < z);
  CHECK_FALSE(z < a);
  CHECK_FALSE(m < m);
  CHECK(NodeId().empty());
  CHECK(NodeId("").empty());
  CHECK(NodeId() < a);
  CHECK(sizeof(Hlc) <= 16);
  // A clock's stamps carry its node, and parse() gives back the same interned id.
  HlcClock c("mm-client-0123456789");
  const Hlc h = c.tick(5);
  CHECK(h.node == m);
  Hlc back;
  REQUIRE(Hlc::parse(h.str(), &back));
  CHECK(back == h);
  CHECK(back.node.str() == "mm-client-0123456789");
  // Ties on time and counter still break by the string, whatever order the ids were interned in.
  CHECK(Hlc{1, 0, "zz-client-0123456789"} > Hlc{1, 0, "aa-client-0123456789"});
}

TEST_CASE("a node name longer than kMaxNodeLength is refused, and only accepted names are interned") {
  const std::string longest(kMaxNodeLength, 'n');
  const std::string too_long(kMaxNodeLength + 1, 'n');
  Hlc back;
  REQUIRE(Hlc::parse(Hlc{1000, 1, longest}.str(), &back));
  CHECK(back.node.str() == longest);
  const size_t before = NodeId::interned();
  const std::string prefix = "00000000000003e8-0001-";
  CHECK_FALSE(Hlc::parse(prefix + too_long, &back));
  CHECK_FALSE(Hlc::parse(prefix + std::string(1000000, 'x'), &back));
  CHECK(back.node.str() == longest);  // untouched
  NodeId id;
  CHECK_FALSE(NodeId::make(too_long, &id));
  CHECK(id.empty());
  CHECK_THROWS_AS(NodeId{too_long}, std::length_error);
  // split() reads the parts without interning the node.
  std::int64_t wall = 0;
  std::uint32_t counter = 0;
  std::string_view node;
  REQUIRE(Hlc::split(prefix + "split-only-node", &wall, &counter, &node));
  CHECK(wall == 1000);
  CHECK(counter == 1);
  CHECK(node == "split-only-node");
  CHECK_FALSE(Hlc::split(prefix + too_long, &wall, &counter, &node));
  CHECK(NodeId::interned() == before);
}

TEST_CASE("a full table of node names refuses new names from input instead of aborting") {
  const size_t held = NodeId::interned();
  NodeId::set_limit_for_tests(held + 2);
  NodeId a, b, c;
  CHECK(NodeId::make("full-table-a", &a));
  CHECK(NodeId::make("full-table-b", &b));
  CHECK_FALSE(NodeId::make("full-table-c", &c));
  CHECK(c.empty());
  Hlc h;
  CHECK_FALSE(Hlc::parse("00000000000003e8-0001-full-table-c", &h));
  // Names already held still parse; the program's own names still fit (the reserve).
  CHECK(NodeId::make("full-table-a", &c));
  CHECK(c == a);
  CHECK(Hlc::parse("00000000000003e8-0001-full-table-b", &h));
  CHECK(h.node == b);
  CHECK(NodeId("full-table-own").str() == "full-table-own");
  NodeId::set_limit_for_tests(0);
  CHECK(NodeId::make("full-table-c", &c));
  CHECK(NodeId::interned() == held + 4);
}
