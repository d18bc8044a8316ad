#!/usr/bin/env python3
"""Configuration racing device deletion: for SECONDS, send NEW_SA (both
directions, half of them with lifetimes of seconds), SET_TUNNEL and DEL_SA
requests for the devices NAME... as fast
as the kernel answers, whether or not the devices exist at that moment.

  race.py SECONDS NAME...

Prints "requests N ok M" and exits 0; errors are expected (the device is
often gone), only a crash or a kernel report is a failure.
"""
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402


def main():
    seconds, names = float(sys.argv[1]), sys.argv[2:]
    sock, fid = genl.open_family()
    if fid is None:
        print("family rvti not found")
        return 1
    rnd = random.Random(os.getpid())
    end = time.monotonic() + seconds
    n = ok = 0
    while time.monotonic() < end:
        name = rnd.choice(names)
        dev = genl.attr(genl.ATTRS["ifname"], name.encode() + b"\0")
        op = rnd.randrange(4)
        spi = 0x1000 + rnd.randrange(8)
        if op < 2:
            nest = (genl.attr(1, struct.pack("B", 1 + op)) +
                    genl.attr(2, struct.pack("I", spi)) +
                    genl.attr(3, b"rfc4106(gcm(aes))\0") +
                    genl.attr(6, os.urandom(20)))
            if rnd.randrange(2):
                # Lifetimes of 1 and 2 seconds: expire works racing
                # device deletion (RVTI_SA_A_LIFETIME, SOFT/HARD_ADD).
                lft = (genl.attr(5, struct.pack("Q", 1)) +
                       genl.attr(6, struct.pack("Q", 2)))
                nest += genl.attr(genl.NLA_F_NESTED | 13, lft)
            payload = dev + genl.attr(genl.NLA_F_NESTED | genl.RVTI_A_SA, nest)
            cmd = genl.CMDS["newsa"]
        elif op == 2:
            local = bytes([192, 0, 2, 1 + rnd.randrange(2)])
            payload = (dev + genl.attr(genl.ATTRS["local"], local) +
                       genl.attr(genl.ATTRS["remote"], bytes([192, 0, 2, 9])))
            cmd = genl.CMDS["set"]
        else:
            nest = (genl.attr(1, struct.pack("B", 1 + rnd.randrange(2))) +
                    genl.attr(2, struct.pack("I", spi)))
            payload = dev + genl.attr(genl.NLA_F_NESTED | genl.RVTI_A_SA, nest)
            cmd = genl.CMDS["delsa"]
        err, _, _ = genl.request(sock, fid, cmd, payload)
        n += 1
        ok += err == 0
    print("requests %d ok %d" % (n, ok))
    return 0


if __name__ == "__main__":
    sys.exit(main())
