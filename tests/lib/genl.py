#!/usr/bin/env python3
"""Send one hand-built generic netlink request to the rvti family.

The tool never builds a malformed request, so the kernel's policy checks
are driven from here:

  genl.py CMD [ATTR=VALUE ...]

CMD is a number or get/set/newsa/delsa. ATTR is a number or a name
(ifindex, ifname, local, remote); sa.N puts attribute N into the RVTI_A_SA
nest, prefix.N into the RVTI_A_PREFIX nest. VALUE is u8:N, u32:N, str:TEXT, hex:HEX or raw:"" (empty).
Prints "ok" or "error ERRNO: EXTACK-MESSAGE" and exits 0 / 1.
"""
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
NLM_F_ACK_TLVS = 0x200
NLM_F_CAPPED = 0x100

CMDS = {"get": 1, "set": 2, "newsa": 3, "delsa": 4, "setsite": 5,
        "newprefix": 6, "delprefix": 7, "flushprefixes": 9}
RVTI_A_SA = 5
RVTI_A_PREFIX = 11
NLA_F_NESTED = 0x8000
ATTRS = {"ifindex": 1, "ifname": 2, "local": 3, "remote": 4}


def attr(atype, payload):
    hdr = struct.pack("HH", 4 + len(payload), atype)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack("HH", data[:4])
        if alen < 4:
            break
        out[atype & 0x3FFF] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


def request(sock, ftype, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    msg = struct.pack("IHHII", 16 + len(body), ftype, flags, 1, 0) + body
    sock.send(msg)
    replies = []
    while True:
        data = sock.recv(65536)
        while data:
            mlen, mtype, mflags, _, _ = struct.unpack("IHHII", data[:16])
            payload = data[16:mlen]
            if mtype == NLMSG_ERROR:
                err = struct.unpack("i", payload[:4])[0]
                ext = b""
                if mflags & NLM_F_ACK_TLVS:
                    inner = 16 if mflags & NLM_F_CAPPED else struct.unpack("I", payload[4:8])[0]
                    tlvs = parse_attrs(payload[4 + inner:])
                    ext = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0")
                return err, ext.decode(), replies
            replies.append(payload)
            data = data[(mlen + 3) & ~3:]


def open_family():
    """A socket with extended acks, and the rvti family id (None if absent)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(270, NETLINK_EXT_ACK, 1)
    err, _, replies = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                              attr(CTRL_ATTR_FAMILY_NAME, b"rvti\0"))
    if err:
        return sock, None
    return sock, struct.unpack("H", parse_attrs(replies[0][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]


def main():
    sock, fid = open_family()
    if fid is None:
        print("error 2: family rvti not found")
        return 1

    cmd = CMDS.get(sys.argv[1]) or int(sys.argv[1])
    payload = b""
    nest = b""
    pnest = b""
    for arg in sys.argv[2:]:
        name, value = arg.split("=", 1)
        nested = name.startswith("sa.")
        pnested = name.startswith("prefix.")
        if nested:
            name = name[3:]
        if pnested:
            name = name[7:]
        atype = ATTRS.get(name) or int(name)
        kind, _, val = value.partition(":")
        if kind == "u8":
            data = struct.pack("B", int(val, 0))
        elif kind == "u32":
            data = struct.pack("I", int(val, 0))
        elif kind == "u64":
            data = struct.pack("Q", int(val, 0))
        elif kind == "str":
            data = val.encode() + b"\0"
        elif kind == "hex":
            data = bytes.fromhex(val)
        elif kind == "raw":
            data = b""
        else:
            raise SystemExit("bad value " + value)
        if nested:
            nest += attr(atype, data)
        elif pnested:
            pnest += attr(atype, data)
        else:
            payload += attr(atype, data)
    if nest:
        payload += attr(NLA_F_NESTED | RVTI_A_SA, nest)
    if pnest:
        payload += attr(NLA_F_NESTED | RVTI_A_PREFIX, pnest)
    err, ext, _ = request(sock, fid, cmd, payload)
    if err:
        print("error %d: %s" % (-err, ext))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
