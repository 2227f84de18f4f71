#include <doctest/doctest.h>

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
