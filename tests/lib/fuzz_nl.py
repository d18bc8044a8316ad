#!/usr/bin/env python3
"""Netlink fuzzer for the rvti generic netlink family.

  fuzz_nl.py SEED COUNT TARGETS PROTECTED_IFINDEXES PROTECTED_NAMES [SPIS]

Sends COUNT messages, chosen by SEED, aimed at the devices TARGETS
(comma-separated names, created and deleted by another process meanwhile):
every command of the family (and unknown ones) with random netlink flags;
well-formed requests (valid SA, tunnel, site and prefix changes among them)
sent as they are or with one thing mutated: an attribute's type, its
length, its nesting, a duplicate, an unknown attribute, a truncated
message, a broken header; and random bytes. SPIS (comma-separated) are
SPIs the fuzzer uses besides random ones: those of a tunnel it must not
disturb, whose SAs the kernel must refuse to take over.

The devices PROTECTED_IFINDEXES / PROTECTED_NAMES (comma-separated) are
never named: a message that would name one, or would flush the SAs of
every device (FLUSH_SAS without a device), is not sent. Whatever else the
fuzzer sends, they must read back unchanged.

A whole request with NLM_F_ACK that is not a dump ends with its ACK or
error; after any other message a NOOP request with an ACK marks the end
of its replies. Every reply from the family must be well formed (attribute
lengths inside their message and nests). Prints one JSON object: counts
per outcome, per command, the time taken, replies that were not well
formed, and (command, errno) refusals that carried no extended ACK
message.
"""
import errno
import json
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
F_REQUEST, F_MULTI, F_ACK = 1, 2, 4
F_DUMP = 0x300
NESTED, BYTEORDER = 0x8000, 0x4000

# enum rvti_cmd and the attributes the templates use.
CMD_NAMES = ["unspec", "get_tunnel", "set_tunnel", "new_sa", "del_sa", "set_site",
             "new_prefix", "del_prefix", "get_prefix", "flush_prefixes", "get_sa",
             "flush_sas", "alloc_spi", "event", "set_sa"]
(A_IFINDEX, A_IFNAME, A_LOCAL, A_REMOTE, A_SA, A_SAS, A_STATS, A_PAD, A_TTL, A_DF,
 A_PREFIX, A_SITE, A_TRANSIT, A_PREFIX_COUNT, A_NO_SAS, A_SPI_MIN, A_SPI_MAX,
 A_SPI, A_EVENT, A_LAST_RX) = range(1, 21)
(SA_DIR, SA_SPI, SA_AEAD, SA_ENC, SA_AUTH, SA_ENC_KEY, SA_AUTH_KEY, SA_ICV, SA_FLAGS,
 SA_WINDOW, SA_STATS, SA_PAD, SA_LIFETIME, SA_SEQ) = range(1, 15)
SA_ENCAP_SPORT, SA_ENCAP_DPORT = 22, 23
CMD_FLUSH_SAS = 11


def u8(v):
    return struct.pack("B", v & 0xFF)


def u16(v):
    return struct.pack("H", v & 0xFFFF)


def u32(v):
    return struct.pack("I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("Q", v & 0xFFFFFFFFFFFFFFFF)


def s(text):
    return text.encode() + b"\0"


def encode(attrs):
    """attrs: list of (type, bytes) or (type, list) for a nest."""
    out = b""
    for t, v in attrs:
        if isinstance(v, list):
            out += genl.attr(t | NESTED, encode(v))
        else:
            out += genl.attr(t, v)
    return out


def well_formed(data, depth=0):
    """Attribute stream DATA parses: every length inside its container.
    Nested attributes (NLA_F_NESTED) are checked too."""
    while len(data) >= 4:
        alen, atype = struct.unpack("HH", data[:4])
        if alen < 4 or alen > len(data):
            return False
        if atype & NESTED and depth < 8 and not well_formed(data[4:alen], depth + 1):
            return False
        data = data[(alen + 3) & ~3:]
    return len(data) == 0


class Fuzzer:
    def __init__(self, seed, targets, prot_idx, prot_names, spis):
        self.rnd = random.Random(seed)
        self.targets = targets
        self.prot_idx = set(prot_idx)
        self.prot_names = set(prot_names)
        self.spis = spis
        self.sock, self.fid = genl.open_family()
        if self.fid is None:
            raise SystemExit("family rvti not found")
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.settimeout(60)
        self.seq = 1000
        self.stats = {"sent": 0, "skipped_protected": 0, "ok": 0, "replies": 0,
                      "bad_replies": 0, "no_reply": 0}
        self.errnos = {}
        self.per_cmd = {}
        self.kinds = {}
        self.no_extack = {}
        self.time = {}  # per command: seconds in all, the longest one
        self.bad = []

    # ---- valid requests -------------------------------------------------

    def dev(self):
        rnd = self.rnd
        name = rnd.choice(self.targets)
        if rnd.randrange(3) == 0:
            try:
                idx = socket.if_nametoindex(name)
            except OSError:
                idx = rnd.randrange(1, 64)
            if idx in self.prot_idx:
                idx = 0x7FFF0000 + rnd.randrange(100)
            return [(A_IFINDEX, u32(idx))]
        return [(A_IFNAME, s(name))]

    def addr(self, fam):
        rnd = self.rnd
        if fam == 4:
            return bytes([192, 0, 2, rnd.choice((1, 2, 3, 9, 77))])
        return socket.inet_pton(socket.AF_INET6, "2001:db8:ffff::%x" % rnd.choice((1, 2, 3, 9)))

    def spi(self):
        rnd = self.rnd
        r = rnd.randrange(10)
        if r < 3 and self.spis:
            return rnd.choice(self.spis)
        if r < 8:
            return 0x1000 + rnd.randrange(16)
        return rnd.choice((0, 1, 255, 256, 0xFFFFFFFF, rnd.getrandbits(32)))

    def sa_nest(self, full):
        rnd = self.rnd
        nest = [(SA_DIR, u8(rnd.choice((1, 2, 1, 2, 0, 3)))), (SA_SPI, u32(self.spi()))]
        if not full:
            return nest
        alg = rnd.randrange(5)
        if alg == 0:
            nest += [(SA_AEAD, s("rfc4106(gcm(aes))")),
                     (SA_ENC_KEY, rnd.randbytes(rnd.choice((20, 28, 36, 19, 4))))]
        elif alg == 1:
            nest += [(SA_AEAD, s(rnd.choice(("aes-gcm", "chacha20-poly1305",
                                             "rfc7539esp(chacha20,poly1305)")))),
                     (SA_ENC_KEY, rnd.randbytes(rnd.choice((36, 20))))]
        elif alg == 2:
            nest += [(SA_ENC, s("cbc(aes)")), (SA_ENC_KEY, rnd.randbytes(rnd.choice((16, 24, 32)))),
                     (SA_AUTH, s(rnd.choice(("hmac(sha1)", "hmac(sha256)", "sha512")))),
                     (SA_AUTH_KEY, rnd.randbytes(rnd.choice((20, 32, 64))))]
        elif alg == 3:
            nest += [(SA_AEAD, s(rnd.choice(("gcm(aes)", "nonexistent", "cbc(aes)", "")))),
                     (SA_ENC_KEY, rnd.randbytes(20))]
        else:
            nest += [(SA_AEAD, s("rfc4106(gcm(aes))")), (SA_ENC, s("cbc(aes)")),
                     (SA_ENC_KEY, rnd.randbytes(20))]
        if rnd.randrange(3) == 0:
            nest.append((SA_ICV, u32(rnd.choice((64, 96, 128, 0, 7)))))
        if rnd.randrange(3) == 0:
            nest.append((SA_FLAGS, u32(rnd.choice((0, 1, 2)))))
        if rnd.randrange(3) == 0:
            nest.append((SA_WINDOW, u32(rnd.choice((32, 64, 4096, 31, 4097, 1024)))))
        if rnd.randrange(4) == 0:
            lt = [(rnd.randrange(1, 9), u64(rnd.choice((0, 1, 2, 1 << 40, 100))))
                  for _ in range(rnd.randrange(1, 4))]
            nest.append((SA_LIFETIME, lt))
        if rnd.randrange(5) == 0:
            nest.append((SA_SEQ, u64(rnd.choice((0, 1, 0xFFFFFFF0, 0xFFFFFFFF, 1 << 40)))))
        if rnd.randrange(3) == 0:
            nest += self.ports()
        return nest

    def ports(self):
        """ESP in UDP's ports, mostly both, sometimes one or bad ones."""
        rnd = self.rnd
        p = [(SA_ENCAP_SPORT, u16(rnd.choice((4500, 4500, 31007, 0, 65535)))),
             (SA_ENCAP_DPORT, u16(rnd.choice((4500, 4500, 4501, 0))))]
        return p if rnd.randrange(4) else p[:1]

    def template(self):
        """(cmd, attrs, flags) of a request that makes sense."""
        rnd = self.rnd
        cmd = rnd.randrange(0, 16)
        flags = F_REQUEST | F_ACK
        attrs = []
        if cmd == 1:
            if rnd.randrange(2):
                flags |= F_DUMP
            else:
                attrs = self.dev()
            if rnd.randrange(2):
                attrs.append((A_NO_SAS, b""))
        elif cmd == 2:
            attrs = self.dev()
            fam = rnd.choice((4, 6))
            if rnd.randrange(3):
                attrs.append((A_LOCAL, rnd.choice((self.addr(fam), b""))))
            if rnd.randrange(3):
                attrs.append((A_REMOTE, rnd.choice((self.addr(fam), b""))))
            if rnd.randrange(3) == 0:
                attrs.append((A_TTL, u8(rnd.randrange(256))))
            if rnd.randrange(3) == 0:
                attrs.append((A_DF, u8(rnd.randrange(4))))
        elif cmd in (3, 4):
            attrs = self.dev() + [(A_SA, self.sa_nest(cmd == 3))]
        elif cmd == 5:
            attrs = self.dev()
            if rnd.randrange(2):
                attrs.append((A_SITE, s(rnd.choice(("", "site1", "site2", "x" * 31)))))
            if rnd.randrange(2):
                attrs.append((A_TRANSIT, u8(rnd.randrange(3))))
        elif cmd in (6, 7):
            fam = rnd.choice((4, 6))
            a = bytes([10, rnd.randrange(256), 0, 0]) if fam == 4 else \
                bytes([0x20, 1, 0xd, 0xb8, 0, rnd.randrange(256)]) + bytes(10)
            p = [(1, a), (2, u8(rnd.choice((8, 16, 24, 32, 33, 48, 64, 128, 129))))]
            if rnd.randrange(3) == 0:
                p.append((3, u32(rnd.randrange(3))))
            attrs = self.dev() + [(A_PREFIX, p)]
        elif cmd == 8:
            flags |= F_DUMP
            if rnd.randrange(2):
                attrs = self.dev()
        elif cmd == 9:
            attrs = self.dev()
        elif cmd == 10:
            if rnd.randrange(2):
                flags |= F_DUMP
                if rnd.randrange(2):
                    attrs = self.dev()
            else:
                attrs = self.dev() + [(A_SA, self.sa_nest(False))]
        elif cmd == 11:
            attrs = self.dev()
        elif cmd == 14:
            nest = self.sa_nest(False) + self.ports()
            if rnd.randrange(5) == 0:  # only ports may change
                nest.append((SA_ICV, u32(128)))
            attrs = self.dev() + [(A_SA, nest)]
        elif cmd == 12:
            attrs = self.dev()
            if rnd.randrange(2):
                attrs.append((A_SPI_MIN, u32(rnd.choice((256, 0x1000, 0xFFFFFFF0, 100)))))
            if rnd.randrange(2):
                attrs.append((A_SPI_MAX, u32(rnd.choice((256, 0x1010, 0xFFFFFFFF, 300)))))
        else:
            attrs = self.dev()
        return cmd, attrs, flags

    # ---- mutations ------------------------------------------------------

    def pick(self, attrs):
        """A random (container, index) in the attribute tree."""
        spots = []

        def walk(lst):
            for i, (_, v) in enumerate(lst):
                spots.append((lst, i))
                if isinstance(v, list):
                    walk(v)
        walk(attrs)
        return self.rnd.choice(spots) if spots else (None, None)

    def mutate(self, cmd, attrs, flags):
        """One mutation; returns (kind, cmd, attrs, flags, raw_tail_fn)."""
        rnd = self.rnd
        lst, i = self.pick(attrs)
        m = rnd.randrange(12)
        if m == 0 and lst is not None:
            t, v = lst[i]
            lst[i] = (rnd.choice((0, rnd.randrange(1, 25), rnd.randrange(25, 0x3FFF),
                                  t | BYTEORDER)), v)
            return "type"
        if m == 1 and lst is not None:
            t, v = lst[i]
            if isinstance(v, list):
                v = encode(v)
            if rnd.randrange(2) and v:
                v = v[:rnd.randrange(len(v))]
            else:
                v = v + rnd.randbytes(rnd.randrange(1, 20))
            lst[i] = (t, v)
            return "length"
        if m == 2 and lst is not None:
            t, v = lst[i]
            if isinstance(v, list):
                # A nest flattened: its attributes as raw bytes, or as
                # siblings.
                if rnd.randrange(2):
                    lst[i] = (t, encode(v))
                else:
                    lst[i:i + 1] = v
            else:
                depth = rnd.choice((1, 2, 5, 40))
                for _ in range(depth):
                    v = [(t, v)] if not isinstance(v, list) else [(rnd.randrange(1, 21), v)]
                lst[i] = (t, v)
            return "nesting"
        if m == 3 and lst is not None:
            lst.insert(i, lst[i] if rnd.randrange(2) else (lst[i][0], rnd.randbytes(4)))
            return "duplicate"
        if m == 4:
            where = lst if lst is not None and rnd.randrange(2) else attrs
            where.insert(rnd.randrange(len(where) + 1),
                         (rnd.choice((21, 22, 30, 100, 0x3FFF, 0)), rnd.randbytes(rnd.randrange(0, 9))))
            return "unknown"
        if m == 5:
            return "truncate"
        if m == 6:
            return "badlen"
        if m == 7 and lst is not None:
            t, v = lst[i]
            lst[i] = (t, b"")
            return "empty"
        if m == 8 and lst is not None:
            t, v = lst[i]
            if not isinstance(v, list) and v.endswith(b"\0"):
                lst[i] = (t, v[:-1] + rnd.choice((b"", b"x" * 40 + b"\0", b"A")))
                return "string"
        if m == 9:
            return "header"
        if m == 10:
            return "flags"
        return "cmd"

    # ---- wire -----------------------------------------------------------

    def build(self):
        rnd = self.rnd
        r = rnd.randrange(100)
        cmd, attrs, flags = self.template()
        version, reserved = 1, 0
        ftype = self.fid
        kind = "valid"
        body = None
        if r < 8:
            kind = "random-bytes"
            return kind, cmd, rnd.randbytes(rnd.randrange(0, 120))
        if r < 16:
            kind = "random-body"
            body = rnd.randbytes(rnd.randrange(0, 80))
        elif r < 40:
            kind = "valid"
        else:
            kind = self.mutate(cmd, attrs, flags)
            if kind == "header":
                version, reserved = rnd.randrange(256), rnd.choice((0, rnd.randrange(65536)))
                if rnd.randrange(4) == 0:
                    ftype = rnd.choice((0, 1, 2, 3, 0x10, 0x11, self.fid + 1, rnd.randrange(65536)))
            elif kind == "flags":
                flags = rnd.getrandbits(16) | F_REQUEST if rnd.randrange(4) else rnd.getrandbits(16)
            elif kind == "cmd":
                cmd = rnd.choice((0, 13, 14, 15, 16, 255, rnd.randrange(256)))
        if body is None:
            body = encode(attrs)
            if kind == "badlen" and len(body) >= 4:
                # An attribute header whose length lies.
                off = 0
                heads = []
                while off + 4 <= len(body):
                    alen = struct.unpack("H", body[off:off + 2])[0]
                    heads.append(off)
                    if alen < 4:
                        break
                    off += (alen + 3) & ~3
                off = rnd.choice(heads)
                bad = rnd.choice((0, 1, 3, 5, len(body) - off + rnd.randrange(1, 64), 0xFFFF))
                body = body[:off] + struct.pack("H", bad) + body[off + 2:]
        msg = struct.pack("BBH", cmd & 0xFF, version, reserved) + body
        seq = self.next_seq()
        data = struct.pack("IHHII", 16 + len(msg), ftype, flags & 0xFFFF, seq, 0) + msg
        if kind == "truncate":
            cut = rnd.randrange(len(data))
            data = data[:cut]
            if cut >= 4 and rnd.randrange(2):
                data = struct.pack("I", cut) + data[4:]
        return kind, cmd, data

    def next_seq(self):
        self.seq += 1
        return self.seq

    def protected(self, data):
        """True if DATA would name a protected device, or flush every
        device's SAs, in any of the messages the kernel would parse."""
        off = 0
        while off + 16 <= len(data):
            mlen, mtype, mflags = struct.unpack("IHH", data[off:off + 8])
            if mlen < 16 or off + mlen > len(data):
                break
            if mtype == self.fid and mlen >= 20:
                cmd = data[off + 16]
                attrs = data[off + 20:off + mlen]
                named = False
                while len(attrs) >= 4:
                    alen, atype = struct.unpack("HH", attrs[:4])
                    if alen < 4 or alen > len(attrs):
                        break
                    t = atype & 0x3FFF
                    val = attrs[4:alen]
                    if t == A_IFINDEX:
                        named = True
                        if len(val) == 4 and struct.unpack("I", val)[0] in self.prot_idx:
                            return True
                    if t == A_IFNAME:
                        named = True
                        if val.split(b"\0")[0].decode("latin-1") in self.prot_names:
                            return True
                    attrs = attrs[(alen + 3) & ~3:]
                if cmd == CMD_FLUSH_SAS and not named:
                    return True
            off += (mlen + 3) & ~3
        return False

    def send_one(self):
        for _ in range(100):
            kind, cmd, data = self.build()
            if not self.protected(data):
                break
            self.stats["skipped_protected"] += 1
        else:
            return
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        name = CMD_NAMES[cmd] if cmd < len(CMD_NAMES) else "cmd%d" % cmd
        self.per_cmd[name] = self.per_cmd.get(name, 0) + 1
        my_seq = self.seq
        t0 = time.monotonic()
        sent = True
        try:
            self.sock.send(data)
        except OSError as e:
            self.count_errno("send:" + errno.errorcode.get(e.errno, str(e.errno)))
            sent = False
        self.stats["sent"] += 1
        flags = struct.unpack("H", data[6:8])[0] if len(data) >= 16 else 0
        if sent and kind in ("valid", "type", "length", "nesting", "duplicate", "unknown",
                    "empty", "string", "cmd", "badlen", "random-body") and \
                flags & (F_REQUEST | F_ACK) == F_REQUEST | F_ACK and not flags & F_DUMP:
            # A whole request with an ACK flag, not a dump: the kernel
            # always answers it with an error or an ACK (a system call
            # pair saved: they are dear in UML).
            self.drain(my_seq, my_seq, kind, name)
        else:
            barrier = self.next_seq()
            self.sock.send(struct.pack("IHHII", 16, NLMSG_NOOP, F_REQUEST | F_ACK, barrier, 0))
            self.drain(barrier, my_seq, kind, name)
        t = self.time.setdefault(name, [0.0, 0.0])
        dt = time.monotonic() - t0
        t[0] += dt
        t[1] = max(t[1], dt)

    def count_errno(self, key):
        self.errnos[key] = self.errnos.get(key, 0) + 1

    def drain(self, barrier, my_seq, kind, name):
        while True:
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                self.bad.append("no answer to the barrier after %s %s" % (kind, name))
                return
            except OSError as e:
                self.count_errno("recv:" + errno.errorcode.get(e.errno, str(e.errno)))
                continue
            while len(data) >= 16:
                mlen, mtype, mflags, mseq, _ = struct.unpack("IHHII", data[:16])
                if mlen < 16 or mlen > len(data):
                    self.stats["bad_replies"] += 1
                    self.bad.append("reply with length %d of %d bytes" % (mlen, len(data)))
                    break
                payload = data[16:mlen]
                data = data[(mlen + 3) & ~3:]
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack("i", payload[:4])[0]
                    if mseq == barrier and barrier != my_seq:
                        return
                    if mseq == my_seq:
                        if err == 0:
                            self.stats["ok"] += 1
                        else:
                            self.count_errno(errno.errorcode.get(err, str(err)))
                            ext = b""
                            if mflags & genl.NLM_F_ACK_TLVS:
                                inner = 16 if mflags & genl.NLM_F_CAPPED else \
                                    struct.unpack("I", payload[4:8])[0]
                                ext = genl.parse_attrs(payload[4 + inner:]).get(
                                    genl.NLMSGERR_ATTR_MSG, b"")
                            if not ext.rstrip(b"\0") and kind in ("valid", "type", "length",
                                                                   "nesting", "empty",
                                                                   "string", "duplicate"):
                                key = "%s %s" % (name, errno.errorcode.get(err, str(err)))
                                self.no_extack[key] = self.no_extack.get(key, 0) + 1
                        if barrier == my_seq:
                            return
                elif mtype == self.fid:
                    self.stats["replies"] += 1
                    if len(payload) < 4 or not well_formed(payload[4:]):
                        self.stats["bad_replies"] += 1
                        self.bad.append("reply to %s %s: attributes not well formed: %s"
                                        % (kind, name, payload[:64].hex()))

    def run(self, count):
        start = time.monotonic()
        while self.stats["sent"] < count:
            self.send_one()
        elapsed = time.monotonic() - start
        out = dict(self.stats)
        out.update({"seconds": round(elapsed, 2),
                    "rate": int(self.stats["sent"] / max(elapsed, 1e-3)),
                    "errnos": self.errnos, "commands": self.per_cmd, "kinds": self.kinds,
                    "no_extack": self.no_extack, "problems": self.bad[:20],
                    "time": {k: [round(a, 2), round(b, 3)] for k, (a, b) in self.time.items()}})
        print(json.dumps(out, sort_keys=True))


def ints(arg):
    return [int(x, 0) for x in arg.split(",") if x]


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    targets = sys.argv[3].split(",")
    prot_idx = ints(sys.argv[4])
    prot_names = [x for x in sys.argv[5].split(",") if x]
    spis = ints(sys.argv[6]) if len(sys.argv) > 6 else []
    Fuzzer(seed, targets, prot_idx, prot_names, spis).run(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
