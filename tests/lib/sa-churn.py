#!/usr/bin/env python3
"""Add and delete SAs in a loop while a tunnel carries traffic, until
STOPFILE exists (teardown.sh): inbound SAs with SPIs no peer uses on the
device in use, DEV, and both directions on a spare device, SPARE, of the
same namespace. Neither touches the SAs that carry the traffic (a new
outbound SA on DEV would become the active one). Errors are expected (the
devices, their namespace and at last the module go away under it).

  sa-churn.py STOPFILE DEV SPARE

Prints "requests N ok M" and exits 0.
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402

RVTI_SA_DIR_IN, RVTI_SA_DIR_OUT = 1, 2


def sa(name, direction, spi, key=None):
    nest = (genl.attr(1, struct.pack("B", direction)) +
            genl.attr(2, struct.pack("I", spi)))
    if key is not None:
        nest += genl.attr(3, b"rfc4106(gcm(aes))\0") + genl.attr(6, key)
    return (genl.attr(genl.ATTRS["ifname"], name.encode() + b"\0") +
            genl.attr(genl.NLA_F_NESTED | genl.RVTI_A_SA, nest))


def main():
    stop, dev, spare = sys.argv[1:4]
    sock, fid = genl.open_family()
    if fid is None:
        print("family rvti not found")
        return 1
    rnd = random.Random(os.getpid())
    n = ok = 0
    while not os.path.exists(stop):
        spi = 0x7000 + rnd.randrange(256)
        if rnd.randrange(2):
            reqs = [(dev, RVTI_SA_DIR_IN)]
        else:
            reqs = [(spare, RVTI_SA_DIR_OUT), (spare, RVTI_SA_DIR_IN)]
        for name, direction in reqs:
            for cmd, key in (("newsa", os.urandom(20)), ("delsa", None)):
                try:
                    err, _, _ = genl.request(sock, fid, genl.CMDS[cmd],
                                             sa(name, direction, spi, key))
                except OSError:
                    err = -1
                n += 1
                ok += err == 0
    print("requests %d ok %d" % (n, ok))
    return 0


if __name__ == "__main__":
    sys.exit(main())
