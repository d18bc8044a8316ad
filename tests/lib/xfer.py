#!/usr/bin/env python3
"""Transfers whose every byte is checked, and capture sizes, for offload.sh:

  xfer.py tcp-recv PORT              accept one connection (IPv4 or IPv6),
                                     read to the end, print "BYTES SHA256"
  xfer.py tcp-send DST PORT BYTES    send BYTES pseudo-random bytes, print
                                     "BYTES SHA256" of what was sent
  xfer.py udp-recv PORT COUNT SECS   receive datagrams for at most SECS
                                     seconds (or until COUNT came), print
                                     "GOOD BAD": a good one carries the
                                     pattern its own index selects
  xfer.py udp-gso-send DST PORT SIZE SEGS BUFS
                                     send BUFS buffers of SEGS datagrams of
                                     SIZE bytes each with UDP_SEGMENT (one
                                     send call: one GSO packet), numbered
                                     from 0; SEGS 1: plain datagrams
  xfer.py pcap-sizes FILE LIMIT      print "PACKETS MAX OVER": packets in a
                                     capture, the largest length on the
                                     wire, how many were longer than LIMIT
"""
import hashlib
import socket
import struct
import sys
import time

UDP_SEGMENT = 103


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def stream(nbytes):
    """Deterministic bytes that no compression or pattern could fake."""
    block, i = b"", 0
    while nbytes > 0:
        block = hashlib.sha512(b"rvti-offload-%d" % i).digest() * 256
        i += 1
        yield block[:nbytes]
        nbytes -= len(block)


def tcp_recv(port):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    h, n = hashlib.sha256(), 0
    while True:
        data = conn.recv(1 << 16)
        if not data:
            break
        h.update(data)
        n += len(data)
    print(n, h.hexdigest(), flush=True)


def tcp_send(dst, port, nbytes):
    s = socket.create_connection((dst, port), timeout=60)
    h, n = hashlib.sha256(), 0
    for chunk in stream(nbytes):
        s.sendall(chunk)
        h.update(chunk)
        n += len(chunk)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    print(n, h.hexdigest())


def payload(index, size):
    head = struct.pack("!I", index)
    body = hashlib.sha256(head).digest()
    return (head + body * (size // len(body) + 1))[:size]


def udp_recv(port, count, secs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind(("::", port))
    print("listening", flush=True)
    good = bad = 0
    end = time.monotonic() + secs
    while good + bad < count:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(1 << 16)
        except socket.timeout:
            break
        if len(data) >= 4 and data == payload(struct.unpack("!I", data[:4])[0], len(data)):
            good += 1
        else:
            bad += 1
    print(good, bad)


def udp_gso_send(dst, port, size, segs, bufs):
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    if segs > 1:
        s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, size)
    s.connect((dst, port))
    index = 0
    for _ in range(bufs):
        if segs > 1:
            s.send(b"".join(payload(index + k, size) for k in range(segs)))
        else:
            s.send(payload(index, size))
        index += max(segs, 1)
        # Paced: the test is about what arrives, not about buffer sizes.
        time.sleep(0.01)


def pcap_sizes(path, limit):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, n, biggest, over = 24, 0, 0, 0
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16 + incl
        n += 1
        biggest = max(biggest, orig)
        over += orig > limit
    print(n, biggest, over)


def main(argv):
    cmd = argv[1]
    if cmd == "tcp-recv":
        tcp_recv(int(argv[2]))
    elif cmd == "tcp-send":
        tcp_send(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "udp-recv":
        udp_recv(int(argv[2]), int(argv[3]), float(argv[4]))
    elif cmd == "udp-gso-send":
        udp_gso_send(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]))
    elif cmd == "pcap-sizes":
        pcap_sizes(argv[2], int(argv[3]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
