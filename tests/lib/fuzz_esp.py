#!/usr/bin/env python3
"""Packet fuzzer: mutated ESP sent at live rvti tunnels, with a model of
what the receiver must do with each packet, so that every packet sent can
be accounted for afterwards.

  fuzz_esp.py CONFIG.json SEED COUNT

CONFIG (written by tests/netns/fuzz-packet.sh) names the receiving
gateway's tunnels: outer family, local and remote addresses, and their
inbound SAs (SPI, algorithm, key, ESN, replay window, highest sequence
number accepted so far). Packets are sent from this namespace through raw
sockets (IPPROTO_RAW: the outer header is ours, so outer sources, TOS and
fragment fields can be set).

For each packet the model decides where it must end: in one of rvti's
counters of one SA or tunnel (packets, a dummy packet included; replayed,
outside_window, icv_fail, malformed, selector_in), left to XFRM (XfrmInHdrError: too short
for an SPI; XfrmInNoStates: an SPI nobody has), with wrong_source counted
when the SPI is rvti's but the outer addresses are not its tunnel's; or in
IPv4 reassembly (an incomplete set of fragments times out). Authentic
packets are built with the SAs' keys (AES-GCM as rfc4106, AES-CBC with
HMAC-SHA-256 as authenc) so that the checks after decryption (replay
window advance, padding, next header, inner header, ECN, selectors) are
reached too. The model keeps its own copy of every replay window.

Prints one JSON object: the expected count of each counter, packets and
fragments sent, the time taken, and the categories of mutation used.
"""
import ctypes
import ipaddress
import json
import random
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

IPPROTO_ESP = 50
RING = 4096  # RVTI_REPLAY_MAX_WINDOW


class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class MsgHdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(IOVec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


class MMsgHdr(ctypes.Structure):
    _fields_ = [("hdr", MsgHdr), ("len", ctypes.c_uint)]


LIBC = ctypes.CDLL(None, use_errno=True)
BATCH = 64


class Batch:
    """Packets for one raw socket, sent BATCH at a time with sendmmsg(2):
    a system call costs much more than a packet in the UML test kernel.
    The kernel sends them in order, each one through the receiver's
    stack before the next (softirqs run when the sender's bottom halves
    are enabled again)."""

    def __init__(self, sock, fam):
        self.fd, self.fam, self.pkts = sock.fileno(), fam, []
        self.errors = 0

    def addr(self, dst):
        if self.fam == 4:
            return struct.pack("=HH4s8x", socket.AF_INET, 0, socket.inet_aton(dst))
        return struct.pack("=HHI16sI", socket.AF_INET6, 0, 0,
                           socket.inet_pton(socket.AF_INET6, dst), 0)

    def add(self, pkt, dst):
        self.pkts.append((pkt, dst))
        if len(self.pkts) >= BATCH:
            self.flush()

    def flush(self):
        pkts, self.pkts = self.pkts, []
        while pkts:
            n = len(pkts)
            msgs = (MMsgHdr * n)()
            keep = []
            for i, (pkt, dst) in enumerate(pkts):
                buf = ctypes.create_string_buffer(pkt, len(pkt))
                name = ctypes.create_string_buffer(self.addr(dst))
                iov = IOVec(ctypes.cast(buf, ctypes.c_void_p), len(pkt))
                keep += [buf, name, iov]
                msgs[i].hdr.name = ctypes.cast(name, ctypes.c_void_p)
                msgs[i].hdr.namelen = len(name.raw)
                msgs[i].hdr.iov = ctypes.pointer(iov)
                msgs[i].hdr.iovlen = 1
            ret = LIBC.sendmmsg(self.fd, msgs, n, 0)
            if ret <= 0:
                # The first one failed: count it, go on with the rest.
                self.errors += 1
                ret = 1
            pkts = pkts[ret:]


def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xFFFF) + (t >> 16)
    return ~t & 0xFFFF


class Replay:
    """kmod/replay.c, in Python: check before the ICV, advance after."""

    def __init__(self, window, esn, top=0, seen=None):
        self.window, self.esn, self.top = window, esn, top
        # Accepted numbers inside the window (the kernel's bitmap).
        self.seen = set(seen or ())

    def full(self, lo):
        if not self.esn:
            return lo
        tl, th = self.top & 0xFFFFFFFF, self.top >> 32
        bl = (tl - self.window + 1) & 0xFFFFFFFF
        if tl >= self.window - 1:
            if lo < bl:
                th += 1
        elif lo >= bl and th:
            th -= 1
        return (th << 32) | lo

    def test(self, seq):
        if seq == 0:
            return "malformed"
        if seq > self.top:
            return None
        if self.top - seq >= self.window:
            return "outside_window"
        if seq in self.seen:
            return "replayed"
        return None

    def advance(self, seq):
        v = self.test(seq)
        if v:
            return v
        if seq > self.top:
            self.top = seq
            low = seq - self.window
            if len(self.seen) > 4 * self.window:
                self.seen = {s for s in self.seen if s > low}
        self.seen.add(seq)
        return None


class SA:
    def __init__(self, tun, d):
        self.tun = tun
        self.spi = d["spi"]
        self.kind = d["kind"]            # gcm | cbc
        self.esn = d.get("esn", False)
        self.authentic = "key" in d      # the fuzzer knows the key
        self.real = d.get("real", False)  # carries the tunnel's traffic
        window = d.get("window", 1024)
        top = d.get("top", 0)
        # A real SA's window holds every number up to its top (no loss).
        seen = range(max(1, top - window + 1), top + 1) if self.real else ()
        self.replay = Replay(window, self.esn, top, seen)
        if self.kind == "gcm":
            self.iv_len, self.icv_len, self.block = 8, 16, 4
        else:
            self.iv_len, self.icv_len, self.block = 16, 16, 16
        if self.authentic:
            key = bytes.fromhex(d["key"])
            if self.kind == "gcm":
                self.gcm, self.salt = AESGCM(key[:-4]), key[-4:]
            else:
                self.enc_key = key
                self.auth_key = bytes.fromhex(d["auth_key"])
        # The next sequence number the fuzzer hands out for a good packet.
        self.next = top + 1
        self.count = dict.fromkeys(("packets", "replayed", "outside_window",
                                    "icv_fail", "malformed"), 0)

    def seal(self, seq, plain, rnd):
        """ESP header + IV + ciphertext + ICV of PLAIN (with its trailer);
        the IV from RND, so that a seed replays the same packets."""
        hdr = struct.pack("!II", self.spi, seq & 0xFFFFFFFF)
        iv = rnd.randbytes(self.iv_len)
        if self.kind == "gcm":
            aad = hdr if not self.esn else struct.pack(
                "!III", self.spi, seq >> 32, seq & 0xFFFFFFFF)
            return hdr + iv + self.gcm.encrypt(self.salt + iv, plain, aad)
        enc = Cipher(algorithms.AES(self.enc_key), modes.CBC(iv)).encryptor()
        ct = enc.update(plain) + enc.finalize()
        mac = hmac.HMAC(self.auth_key, hashes.SHA256())
        mac.update(hdr + iv + ct)
        return hdr + iv + ct + mac.finalize()[:self.icv_len]


class Tunnel:
    def __init__(self, d):
        self.name = d["name"]
        self.fam = d["family"]
        self.local = d["local"]      # the receiver's address
        self.remote = d["remote"]    # ours, the sender's
        self.other_local = d["other_local"]    # another address of the receiver
        self.other_remote = d["other_remote"]  # a source that is not the peer
        self.prefixes = [ipaddress.ip_network(p) for p in d.get("prefixes", [])]
        self.inner_src = d["inner_src"]
        self.inner_dst = d["inner_dst"]
        self.sas = [SA(self, s) for s in d["sas"]]
        self.wrong_source = 0
        self.selector_in = 0


class Fuzzer:
    def __init__(self, cfg, seed):
        self.rnd = random.Random(seed)
        self.tunnels = [Tunnel(t) for t in cfg["tunnels"]]
        self.by_spi = {}
        for t in self.tunnels:
            for sa in t.sas:
                self.by_spi.setdefault(sa.spi, []).append(sa)
        self.xfrm_hdr = self.xfrm_nostates = 0
        self.frag_sets = self.frag_incomplete = self.frags = 0
        self.sent = 0
        self.send_errors = 0
        self.kinds = {}
        self.s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.q4, self.q6 = Batch(self.s4, 4), Batch(self.s6, 6)
        self.ident = self.rnd.randrange(1, 0x8000)

    # ---- where a packet must end ---------------------------------------

    def spi_verdict(self, tun, src, dst, esp):
        """The SA that owns an ESP payload sent SRC > DST, if any; else
        counts it on XFRM's side (and wrong_source)."""
        if len(esp) < 8:
            self.xfrm_hdr += 1
            return None
        spi = struct.unpack("!I", esp[:4])[0]
        owners = self.by_spi.get(spi, [])
        for sa in owners:
            t = sa.tun
            if t.fam == tun.fam and src == t.remote and dst == t.local:
                return sa
        if owners:
            # The first of the SPI's SAs in the kernel's table is counted;
            # the shell sums wrong_source over all tunnels.
            owners[0].tun.wrong_source += 1
        self.xfrm_nostates += 1
        return None

    def predict(self, sa, esp, authentic, inner_verdict):
        """What rvti must count for ESP payload ESP that reached SA.
        AUTHENTIC: the ICV verifies for the sequence number the packet was
        sealed with (checked against the receiver's inference below);
        INNER_VERDICT: the outcome after the window advanced."""
        n = len(esp)
        if n < 8 + sa.iv_len + 2 + sa.icv_len or (n - 8 - sa.iv_len - sa.icv_len) % sa.block:
            return "malformed"
        lo = struct.unpack("!I", esp[4:8])[0]
        seq = sa.replay.full(lo)
        v = sa.replay.test(seq)
        if v:
            return v
        if not authentic or (sa.esn and seq != authentic):
            return "icv_fail"
        v = sa.replay.advance(seq)
        if v:
            return v
        return inner_verdict

    def account(self, sa, verdict):
        if verdict == "selector_in":
            sa.tun.selector_in += 1
        else:
            sa.count[verdict] += 1

    # ---- sending -------------------------------------------------------

    def outer4(self, src, dst, payload, tos=0, ident=0, frag=0):
        return struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, frag,
                           64, IPPROTO_ESP, 0, socket.inet_aton(src),
                           socket.inet_aton(dst)) + payload

    def outer6(self, src, dst, payload, tclass=0):
        return struct.pack("!IHBB16s16s", (6 << 28) | (tclass << 20), len(payload),
                           IPPROTO_ESP, 64, socket.inet_pton(socket.AF_INET6, src),
                           socket.inet_pton(socket.AF_INET6, dst)) + payload

    def raw_send(self, fam, pkt, dst):
        """Queues a packet; a packet that fails to go out later counts in
        send_errors, which the shell requires to be 0."""
        (self.q4 if fam == 4 else self.q6).add(pkt, dst)
        return True

    def send(self, tun, esp, kind, src=None, dst=None, tos=0, sa=None,
             authentic=0, inner="packets", frags=False):
        """Sends ESP payload ESP and records what must become of it."""
        src = src or tun.remote
        dst = dst or tun.local
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if frags and tun.fam == 4 and len(esp) > 16:
            done = self.send_frags(tun, src, dst, esp, tos)
            if done == "complete":
                self.classify(tun, src, dst, esp, authentic, inner)
            if done:
                return
        pkt = (self.outer4(src, dst, esp, tos) if tun.fam == 4
               else self.outer6(src, dst, esp, tos))
        if not self.raw_send(tun.fam, pkt, dst):
            return
        self.sent += 1
        self.classify(tun, src, dst, esp, authentic, inner)

    def classify(self, tun, src, dst, esp, authentic, inner):
        owner = self.spi_verdict(tun, src, dst, esp)
        if owner:
            self.account(owner, self.predict(owner, esp, authentic, inner))

    def send_frags(self, tun, src, dst, esp, tos):
        """ESP as 2 to 4 IPv4 fragments (8-byte multiples), in order,
        reversed or shuffled; one set in 16 lacks its last fragment and
        must time out in reassembly."""
        cuts = sorted(self.rnd.sample(range(8, len(esp), 8),
                                      min(self.rnd.randint(1, 3), (len(esp) - 1) // 8)))
        if not cuts:
            return None
        self.ident = self.ident % 0xFFFF + 1
        bounds = [0] + cuts + [len(esp)]
        pieces = []
        for i in range(len(bounds) - 1):
            off, end = bounds[i], bounds[i + 1]
            mf = 0x2000 if end < len(esp) else 0
            pieces.append(self.outer4(src, dst, esp[off:end], tos, self.ident,
                                      mf | (off // 8)))
        incomplete = self.rnd.randrange(16) == 0
        if incomplete:
            pieces.pop()
        order = self.rnd.randrange(3)
        if order == 1:
            pieces.reverse()
        elif order == 2:
            self.rnd.shuffle(pieces)
        for p in pieces:
            if self.raw_send(4, p, dst):
                self.frags += 1
        self.sent += 1
        if incomplete:
            self.frag_incomplete += 1
            return "incomplete"
        self.frag_sets += 1
        return "complete"

    # ---- packets -------------------------------------------------------

    def inner_packet(self, tun, fam=None, ecn=0, src=None, size=None):
        """An inner IPv4 or IPv6 packet: UDP to the discard port (IPv4) or
        no next header (IPv6), from the tunnel's remote site."""
        fam = fam or self.rnd.choice((4, 6))
        size = self.rnd.randrange(0, 200) if size is None else size
        data = bytes(self.rnd.getrandbits(8) for _ in range(min(size, 16))) + b"\0" * max(0, size - 16)
        if fam == 4:
            src = src or tun.inner_src[0]
            udp = struct.pack("!HHHH", 40000, 9, 8 + len(data), 0) + data
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, ecn, 20 + len(udp), 1, 0, 64, 17, 0,
                              socket.inet_aton(src), socket.inet_aton(tun.inner_dst[0]))
            hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
            return 4, hdr + udp
        src = src or tun.inner_src[1]
        return 6, struct.pack("!IHBB16s16s", (6 << 28) | (ecn << 20), len(data), 59, 64,
                              socket.inet_pton(socket.AF_INET6, src),
                              socket.inet_pton(socket.AF_INET6, tun.inner_dst[1])) + data

    def trailer(self, sa, body, nh, padlen=None):
        if padlen is None:
            padlen = (-(len(body) + 2)) % sa.block
            if self.rnd.randrange(4) == 0:
                padlen += sa.block * self.rnd.randrange(0, (255 - padlen) // sa.block + 1)
        return body + bytes(range(1, padlen + 1)) + bytes([padlen, nh])

    def inner_verdict(self, tun, fam, pkt, nh, ecn_outer):
        """What rvti_rx_done must decide after the window advanced."""
        if nh == 59:
            # An authentic dummy packet: a packet of the SA, no bytes.
            return "packets"
        if nh not in (4, 41):
            return "malformed"
        if nh == 4:
            if len(pkt) < 20:
                return "malformed"
            ver, ihl = pkt[0] >> 4, pkt[0] & 15
            tot = struct.unpack("!H", pkt[2:4])[0]
            if ver != 4 or ihl < 5 or tot < ihl * 4 or tot > len(pkt):
                return "malformed"
            src = ipaddress.ip_address(pkt[12:16])
            link_local = src in ipaddress.ip_network("169.254.0.0/16") or \
                src in ipaddress.ip_network("224.0.0.0/24")
            dsfield = pkt[1]
        else:
            if len(pkt) < 40:
                return "malformed"
            if pkt[0] >> 4 != 6 or struct.unpack("!H", pkt[4:6])[0] + 40 > len(pkt):
                return "malformed"
            src = ipaddress.ip_address(pkt[8:24])
            link_local = src in ipaddress.ip_network("fe80::/10") or \
                src in ipaddress.ip_network("ff02::/16")
            dsfield = (struct.unpack("!H", pkt[0:2])[0] >> 4) & 0xFF
        if tun.prefixes and not link_local and \
                not any(src in p for p in tun.prefixes if p.version == src.version):
            return "selector_in"
        # RFC 6040: CE outside, not-ECT inside is dropped.
        if ecn_outer & 3 == 3 and dsfield & 3 == 0:
            return "malformed"
        return "packets"

    def authentic_case(self, tun, sa):
        """A packet sealed with SA's key, its plaintext mutated or its
        sequence number chosen to test the window."""
        rnd = self.rnd
        r = rnd.randrange(100)
        seq = sa.next
        kind = "auth-good"
        if r < 8:
            # Huge jumps ahead (below 2^32 - window for ESN, so that the
            # receiver's inference of the high half stays right).
            room = (1 << 31) if sa.esn else max(0, 0xF0000000 - seq) // 64
            seq += rnd.randrange(1, max(2, room))
            kind = "auth-jump"
        elif r < 14:
            seq = max(1, sa.replay.top - rnd.randrange(0, sa.replay.window * 2))
            kind = "auth-old"
        elif r < 16:
            seq = 0 if not sa.esn else (sa.replay.top & ~0xFFFFFFFF) + (1 << 32)
            kind = "auth-seq0"
        sa.next = max(sa.next, seq + 1)
        ecn_outer = rnd.choice((0, 0, 1, 2, 3))
        tos = (rnd.randrange(64) << 2) | ecn_outer
        fam = rnd.choice((4, 6))
        ecn_inner = rnd.choice((0, 0, 1, 2, 3))
        src = None
        if tun.prefixes and rnd.randrange(8) == 0:
            src = rnd.choice(("10.99.0.1", "169.254.1.1", "224.0.0.5")) if fam == 4 else \
                rnd.choice(("2001:db8:99::1", "fe80::1", "ff02::5"))
            kind += "-selector"
        fam, inner = self.inner_packet(tun, fam, ecn_inner, src)
        nh = 4 if fam == 4 else 41
        padlen = None
        m = rnd.randrange(100)
        inner_b = bytearray(inner)
        if m < 5:
            nh = rnd.randrange(256)
            kind += "-nexthdr"
        elif m < 9:
            nh = 59
            inner_b = bytearray(rnd.randbytes(rnd.randrange(0, 64)))
            kind += "-dummy"
        elif m < 14:
            i = rnd.randrange(min(len(inner_b), 40))
            inner_b[i] ^= 1 << rnd.randrange(8)
            kind += "-innerflip"
        elif m < 18:
            inner_b = inner_b[:rnd.randrange(len(inner_b))]
            kind += "-innertrunc"
        elif m < 21:
            inner_b += rnd.randbytes(rnd.randrange(1, 40))  # TFC padding
            kind += "-tfc"
        plain = bytearray(self.trailer(sa, bytes(inner_b), nh, padlen))
        if m >= 21 and m < 26:
            # Bad padding byte or pad length.
            if rnd.randrange(2) and plain[-2] > 0:
                plain[-3 - rnd.randrange(plain[-2])] ^= 0x40
                kind += "-badpad"
            else:
                plain[-2] = rnd.randrange(256)
                kind += "-padlen"
            # Keep the length a multiple of the block.
        verdict = self.trailer_verdict(tun, bytes(plain), tos & 3, sa)
        esp = sa.seal(seq, bytes(plain), rnd)
        frags = tun.fam == 4 and rnd.randrange(5) == 0
        self.send(tun, esp, kind + ("-frag" if frags else ""), tos=tos, sa=sa,
                  authentic=seq if sa.esn else 1, inner=verdict, frags=frags)
        return esp, seq

    def trailer_verdict(self, tun, plain, ecn_outer, sa):
        padlen, nh = plain[-2], plain[-1]
        if padlen + 2 > len(plain):
            return "malformed"
        if plain[-2 - padlen:-2] != bytes(range(1, padlen + 1)):
            return "malformed"
        inner = plain[:-2 - padlen]
        return self.inner_verdict(tun, 4 if nh == 4 else 6, inner, nh, ecn_outer)

    def flip_case(self, tun, sa):
        """A fresh authentic packet, never sent as is: each mutant flips
        one bit of the SPI, sequence number, IV, ciphertext or ICV, or cuts
        it to one length; all of them must fail (or be left to XFRM)."""
        rnd = self.rnd
        seq = sa.next
        sa.next += 1
        _, inner = self.inner_packet(tun, 4)
        esp = sa.seal(seq, self.trailer(sa, inner, 4), rnd)
        out = []
        which = rnd.randrange(3)
        if which == 0:
            # Every bit of the header and IV, and of the ICV.
            bits = list(range(0, (8 + sa.iv_len) * 8)) + \
                list(range((len(esp) - sa.icv_len) * 8, len(esp) * 8))
            kind = "flip-hdr-iv-icv"
        elif which == 1:
            bits = rnd.sample(range((8 + sa.iv_len) * 8, (len(esp) - sa.icv_len) * 8), 48)
            kind = "flip-ciphertext"
        else:
            bits = None
            kind = "truncate"
        if bits is not None:
            for b in bits:
                m = bytearray(esp)
                m[b // 8] ^= 0x80 >> (b % 8)
                out.append(bytes(m))
        else:
            out = [esp[:n] for n in range(len(esp))]
        for m in out:
            self.send(tun, m, kind, sa=sa)
        return len(out)

    def random_case(self, tun, sa):
        """Random payloads with a real SPI and a chosen sequence number."""
        rnd = self.rnd
        r = rnd.randrange(6)
        top = sa.replay.top & 0xFFFFFFFF
        seq = (0, rnd.getrandbits(32), top, (top + rnd.randrange(1, 1 << 20)) & 0xFFFFFFFF,
               max(0, top - rnd.randrange(4096)), 0xFFFFFFFF)[r]
        n = rnd.choice((0, 1, 2, 7, 8, 9, rnd.randrange(8, 64), rnd.randrange(8, 1400)))
        esp = struct.pack("!II", sa.spi, seq) + rnd.randbytes(n)
        self.send(tun, esp, "random-real-spi", tos=rnd.randrange(256), sa=sa)

    def address_case(self, tun, sa):
        """A real packet from a wrong source, to another local address, or
        with an SPI nobody owns, or too short for an SPI."""
        rnd = self.rnd
        seq = sa.next
        sa.next += 1
        _, inner = self.inner_packet(tun, 4)
        esp = sa.seal(seq, self.trailer(sa, inner, 4), rnd) if sa.authentic else \
            struct.pack("!II", sa.spi, seq) + rnd.randbytes(48)
        r = rnd.randrange(4)
        if r == 0:
            self.send(tun, esp, "wrong-source", src=tun.other_remote, sa=sa)
        elif r == 1:
            self.send(tun, esp, "wrong-local", dst=tun.other_local, sa=sa)
        elif r == 2:
            spi = rnd.choice((rnd.getrandbits(32), rnd.randrange(256), sa.spi ^ 1))
            self.send(tun, struct.pack("!I", spi) + esp[4:], "unknown-spi")
        else:
            self.send(tun, esp[:rnd.randrange(8)], "short")

    def run(self, count):
        rnd = self.rnd
        start = time.monotonic()
        while self.sent < count:
            tun = rnd.choice(self.tunnels)
            sa = rnd.choice(tun.sas)
            r = rnd.randrange(100)
            if r < 45 and sa.authentic:
                self.authentic_case(tun, sa)
            elif r < 60 and sa.authentic:
                self.flip_case(tun, sa)
            elif r < 85:
                self.random_case(tun, sa)
            else:
                self.address_case(tun, sa)
        self.q4.flush()
        self.q6.flush()
        self.send_errors += self.q4.errors + self.q6.errors
        elapsed = time.monotonic() - start
        out = {
            "sent": self.sent, "fragments": self.frags, "frag_sets": self.frag_sets,
            "frag_incomplete": self.frag_incomplete, "send_errors": self.send_errors,
            "seconds": round(elapsed, 2), "rate": int(self.sent / max(elapsed, 1e-3)),
            "xfrm_hdr": self.xfrm_hdr, "xfrm_nostates": self.xfrm_nostates,
            "tunnels": {}, "kinds": self.kinds,
        }
        for t in self.tunnels:
            out["tunnels"][t.name] = {
                "wrong_source": t.wrong_source, "selector_in": t.selector_in,
                "sas": {str(sa.spi): sa.count for sa in t.sas},
            }
        print(json.dumps(out, sort_keys=True))


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    seed, count = int(sys.argv[2]), int(sys.argv[3])
    Fuzzer(cfg, seed).run(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
