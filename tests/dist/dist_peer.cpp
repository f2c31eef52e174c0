// lvm-dist-peer NODE COOKIE KIND: a hostile distribution peer for
// test_dist.sh. It completes the handshake with NODE (erl_interface), sends
// one bad frame of KIND (truncated: a message term cut short; corrupt: an
// unknown term tag; unknown: control message 99; length: a frame header
// of 2^32 - 1 bytes), checks that NODE closes that connection, then
// connects again and checks that {echo, NODE} still answers.
// The remote spawn kinds send a spawn request to NODE's $lvm_spawn with
// module bytes that do not match their hash (spawn-hash) or that are not
// a module (spawn-invalid) and check the answer is bad_module on a
// connection that stays open; spawn-malformed sends a request of the wrong
// shape, which closes the connection like any bad input.
//
// lvm-dist-peer NODE COOKIE simultaneous: a simultaneous connect, made
// deterministic. The peer is zsettle@127.0.0.1, a name greater than NODE's;
// NODE runs dist.wasm's `settle zsettle@127.0.0.1`, whose first send
// connects to the peer. The peer leaves that connection in its handshake,
// connects to NODE itself (NODE's own attempt still pending there) and
// sends "1" to {settle, NODE} on its own connection, all but the last
// bytes; then it completes NODE's handshake, switches to NODE's connection
// as the greater name does (docs/distribution.md), sends "2" on it, waits
// 300 ms, sends the rest of "1" on its own connection and closes that. The
// node must take "1" (it must not close the connection the peer sent it
// on) and hand it over before "2" (it must not read its own connection
// before the peer's is done); its settle process then answers on NODE's
// connection. The guest prints the order it got them in.
#include <ei.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "dist/etf.h"
#include "dist/sha256.h"

using namespace lvm::dist;

namespace {
ei_cnode ec;

std::vector<uint8_t> frame_head(std::vector<uint8_t>& f, int64_t op) {
  f.assign(4, 0);
  f.push_back(112);
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {REG_SEND, FromPid, '', echo} (or op)
  w.integer(op);
  w.pid(ec.thisnodename, 1, 0, ec.creation);
  w.atom("");
  w.atom("echo");
  return f;
}

// A spawn request of `module` announced under `hash` (tests/dist: the
// wire form is docs/distribution.md's).
void spawn_request(std::vector<uint8_t>& f, std::span<const uint8_t> module, const Sha256& hash) {
  f.assign(4, 0);
  f.push_back(112);
  EtfWriter w(f);
  w.version();
  w.tuple(4);
  w.integer(6);
  w.pid(ec.thisnodename, 1, 0, ec.creation);
  w.atom("");
  w.atom("$lvm_spawn");
  w.version();
  w.tuple(11);
  w.atom("spawn");
  w.integer(1);
  w.binary(hash);
  w.integer(int64_t(module.size()));
  w.integer(0);
  w.binary({});
  w.integer(0);
  w.integer(0);
  w.integer(0);
  w.atom("undefined");
  w.binary(module);
}

// Reads from fd for up to 10 s until `want` appears; false if it does not
// or the node closes the connection.
bool answered(int fd, std::span<const uint8_t> want) {
  std::vector<uint8_t> in;
  for (int k = 0; k < 100; ++k) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    uint8_t buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    in.insert(in.end(), buf, buf + n);
    for (size_t i = 0; i + want.size() <= in.size(); ++i)
      if (!std::memcmp(in.data() + i, want.data(), want.size())) return true;
  }
  return false;
}

void finish(std::vector<uint8_t>& f) {
  const uint32_t len = uint32_t(f.size() - 4);
  f[0] = uint8_t(len >> 24), f[1] = uint8_t(len >> 16), f[2] = uint8_t(len >> 8), f[3] = uint8_t(len);
}

// Waits up to 10 s for the node to close fd (reading and dropping frames).
bool closed_by_node(int fd) {
  uint8_t buf[4096];
  for (int k = 0; k < 100; ++k) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return true;
  }
  return false;
}

// A REG_SEND of {10, <<digit>>} to {settle, NODE}.
std::vector<uint8_t> settle_message(char digit) {
  std::vector<uint8_t> f;
  frame_head(f, 6);
  f[f.size() - 5] = 6;  // the name: 'settle', not 'echo'
  f.resize(f.size() - 4);
  f.insert(f.end(), {'s', 'e', 't', 't', 'l', 'e'});
  f.insert(f.end(), {131, 104, 2, 97, 10, 109, 0, 0, 0, 1, uint8_t(digit)});
  finish(f);
  return f;
}

bool send_all(int fd, const uint8_t* p, size_t n) {
  while (n) {
    const ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return false;
    p += k, n -= size_t(k);
  }
  return true;
}

int simultaneous(const char* node, const char* cookie) {
  if (ei_connect_xinit(&ec, "127.0.0.1", "zsettle", "zsettle@127.0.0.1", nullptr, cookie, 7) < 0) return 1;
  int port = 0;
  const int lfd = ei_listen(&ec, &port, 4);
  if (lfd < 0 || ei_publish(&ec, port) < 0) {
    std::fprintf(stderr, "simultaneous: cannot listen or publish\n");
    return 1;
  }
  std::printf("simultaneous: listening\n");
  std::fflush(stdout);
  // The node's connection, left waiting in its handshake.
  pollfd p{lfd, POLLIN, 0};
  if (poll(&p, 1, 30000) != 1) {
    std::fprintf(stderr, "simultaneous: %s did not connect\n", node);
    return 1;
  }
  const int own = ei_connect_tmo(&ec, const_cast<char*>(node), 4000);
  if (own < 0) {
    std::fprintf(stderr, "simultaneous: cannot connect to %s\n", node);
    return 1;
  }
  const std::vector<uint8_t> one = settle_message('1'), two = settle_message('2');
  // (A write the node refuses, having closed the connection, is its failure: "1" never comes.)
  send_all(own, one.data(), one.size() - 2);
  ErlConnect conp{};
  const int theirs = ei_accept_tmo(&ec, lfd, &conp, 4000);
  if (theirs < 0) {
    std::fprintf(stderr, "simultaneous: the node's handshake failed\n");
    return 1;
  }
  if (!send_all(theirs, two.data(), two.size())) return 1;
  usleep(300000);
  send_all(own, one.data() + one.size() - 2, 2);
  shutdown(own, SHUT_WR);
  // The settle process's answer {11, <<>>}, on the node's connection.
  const uint8_t want[] = {131, 104, 2, 97, 11, 109, 0, 0, 0, 0};
  if (!answered(theirs, want)) {
    std::fprintf(stderr, "simultaneous: no answer from {settle, %s}\n", node);
    return 1;
  }
  std::printf("simultaneous: {settle, %s} answered on its own connection\n", node);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: lvm-dist-peer NODE COOKIE truncated|corrupt|unknown|length|spawn-hash|spawn-invalid|spawn-malformed|simultaneous\n");
    return 2;
  }
  const std::string kind = argv[3];
  if (kind == "simultaneous") return simultaneous(argv[1], argv[2]);
  const std::string name = "peer" + std::to_string(getpid());
  const std::string full = name + "@127.0.0.1";
  ei_init();
  if (ei_connect_xinit(&ec, "127.0.0.1", name.c_str(), full.c_str(), nullptr, argv[2], 7) < 0) return 1;
  int fd = ei_connect_tmo(&ec, argv[1], 5000);
  if (fd < 0) {
    std::fprintf(stderr, "cannot connect to %s\n", argv[1]);
    return 1;
  }
  std::vector<uint8_t> f;
  if (kind == "spawn-hash" || kind == "spawn-invalid") {
    // Bytes that start like a module; for spawn-hash, announced under the
    // hash of other bytes.
    const std::vector<uint8_t> junk = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 200, 200, 200};
    Sha256 h = sha256(junk);
    if (kind == "spawn-hash") h[0] ^= 1;
    spawn_request(f, junk, h);
    finish(f);
    if (write(fd, f.data(), f.size()) != ssize_t(f.size())) return 1;
    const uint8_t want[] = {'b', 'a', 'd', '_', 'm', 'o', 'd', 'u', 'l', 'e'};
    if (!answered(fd, want)) {
      std::fprintf(stderr, "%s: no bad_module answer\n", kind.c_str());
      return 1;
    }
    std::printf("%s: the node answered bad_module\n", kind.c_str());
    // The connection is still good: the echo answers on it.
    frame_head(f, 6);
    f.insert(f.end(), {131, 104, 2, 97, 5, 109, 0, 0, 0, 2, 'o', 'k'});
    finish(f);
    if (write(fd, f.data(), f.size()) != ssize_t(f.size())) return 1;
    const uint8_t ok[] = {97, 5, 109, 0, 0, 0, 2, 'o', 'k'};
    if (!answered(fd, ok)) {
      std::fprintf(stderr, "%s: no answer from the echo afterwards\n", kind.c_str());
      return 1;
    }
    std::printf("%s: the node's echo answered afterwards\n", kind.c_str());
    return 0;
  }
  if (kind == "spawn-malformed") {
    frame_head(f, 6);
    f[f.size() - 5] = 10;  // the name: '$lvm_spawn', not 'echo'
    f.resize(f.size() - 4);
    f.insert(f.end(), {'$', 'l', 'v', 'm', '_', 's', 'p', 'a', 'w', 'n'});
    f.insert(f.end(), {131, 104, 2, 119, 5, 's', 'p', 'a', 'w', 'n', 97, 1});  // {spawn, 1}
    finish(f);
  } else if (kind == "length") {
    f = {0xff, 0xff, 0xff, 0xff, 112, 131};
  } else if (kind == "unknown") {
    frame_head(f, 99);
    finish(f);
  } else {
    frame_head(f, 6);
    if (kind == "truncated") f.insert(f.end(), {131, 109, 0, 0, 0, 10, 'a', 'b'});  // 10 bytes claimed, 2 there
    else f.insert(f.end(), {131, 200, 1, 2});                                      // no tag 200
    finish(f);
  }
  if (write(fd, f.data(), f.size()) != ssize_t(f.size())) return 1;
  if (!closed_by_node(fd)) {
    std::fprintf(stderr, "%s: the node kept the connection open\n", kind.c_str());
    return 1;
  }
  close(fd);
  std::printf("%s: the node closed the connection\n", kind.c_str());
  // The node goes on: a good message to its echo is answered.
  fd = ei_connect_tmo(&ec, argv[1], 5000);
  if (fd < 0) return 1;
  frame_head(f, 6);
  f.insert(f.end(), {131, 104, 2, 97, 5, 109, 0, 0, 0, 2, 'o', 'k'});  // {5, <<"ok">>}
  finish(f);
  if (write(fd, f.data(), f.size()) != ssize_t(f.size())) return 1;
  std::vector<uint8_t> in;
  const uint8_t want[] = {97, 5, 109, 0, 0, 0, 2, 'o', 'k'};
  for (int k = 0; k < 100; ++k) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    uint8_t buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.insert(in.end(), buf, buf + n);
    for (size_t i = 0; i + sizeof want <= in.size(); ++i)
      if (!std::memcmp(in.data() + i, want, sizeof want)) {
        std::printf("%s: the node's echo answered afterwards\n", kind.c_str());
        return 0;
      }
  }
  std::fprintf(stderr, "%s: no answer from the echo after the bad input\n", kind.c_str());
  return 1;
}
