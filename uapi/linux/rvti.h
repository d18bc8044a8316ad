/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rvti: route-based IPsec (ESP) tunnel devices.
 *
 * Documentation
 * =============
 *
 * A tunnel is a net_device created with `ip link add NAME type rvti`.
 * Everything else is configured through the generic netlink family
 * RVTI_GENL_NAME, version RVTI_GENL_VERSION. Every command needs
 * CAP_NET_ADMIN in the user namespace owning the network namespace of the
 * socket, and looks the device up in that namespace.
 *
 * Every command that names a device carries exactly one of RVTI_A_IFINDEX
 * and RVTI_A_IFNAME; the device must be an rvti device.
 *
 * Addresses (RVTI_A_LOCAL, RVTI_A_REMOTE) are raw network-order addresses:
 * 4 bytes for IPv4, 16 bytes for IPv6. A zero-length attribute clears the
 * address (wildcard local, no remote). Local and remote must be of the same
 * family once both are set.
 *
 * RVTI_CMD_GET_TUNNEL
 * -------------------
 *
 * With NLM_F_DUMP: one message per rvti device in the socket's namespace.
 * Without: the named device. The request carries (do only):
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *
 * Each reply message is:
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING
 *    RVTI_A_LOCAL: NLA_BINARY, 4 or 16 bytes, absent when wildcard
 *    RVTI_A_REMOTE: NLA_BINARY, 4 or 16 bytes, absent when unset
 *    RVTI_A_TTL: NLA_U8, outer TTL / hop limit, 0: the route's default
 *    RVTI_A_DF: NLA_U8, enum rvti_df
 *
 * RVTI_CMD_SET_TUNNEL
 * -------------------
 *
 * Changes the outer parameters of the named device. Attributes that are
 * absent keep their value; at least one change must be present.
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *    RVTI_A_LOCAL: NLA_BINARY, 0, 4 or 16 bytes
 *    RVTI_A_REMOTE: NLA_BINARY, 0, 4 or 16 bytes
 *    RVTI_A_TTL: NLA_U8, 0 (the outer route's default hop limit) or 1-255
 *    RVTI_A_DF: NLA_U8, enum rvti_df: the DF bit of an IPv4 outer header
 *
 * The change is applied atomically: the transmit path sees either the old
 * or the new pair of endpoints, never a mix.
 *
 * RVTI_CMD_NEW_SA
 * ---------------
 *
 * Adds a security association to the named device:
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *    RVTI_A_SA: NLA_NESTED
 *        RVTI_SA_A_DIR: NLA_U8, enum rvti_sa_dir, required
 *        RVTI_SA_A_SPI: NLA_U32, host order, 256 to 4294967295 (RFC 4303
 *                       reserves 1 to 255, and 0 is for local use),
 *                       required
 *        RVTI_SA_A_AEAD_ALG: NLA_NUL_STRING, e.g. "rfc4106(gcm(aes))"
 *        RVTI_SA_A_ENC_ALG: NLA_NUL_STRING, e.g. "cbc(aes)"
 *        RVTI_SA_A_AUTH_ALG: NLA_NUL_STRING, e.g. "hmac(sha256)"
 *        RVTI_SA_A_ENC_KEY: NLA_BINARY, the AEAD key with its 4-byte salt
 *                           appended, or the cipher key
 *        RVTI_SA_A_AUTH_KEY: NLA_BINARY, the HMAC key
 *        RVTI_SA_A_ICV_BITS: NLA_U32, optional: the algorithm's default
 *        RVTI_SA_A_FLAGS: NLA_U32, RVTI_SA_F_*, optional
 *        RVTI_SA_A_REPLAY_WINDOW: NLA_U32, inbound only, 32 to 4096,
 *                                 default 1024
 *
 * Either RVTI_SA_A_AEAD_ALG with RVTI_SA_A_ENC_KEY, or RVTI_SA_A_ENC_ALG,
 * RVTI_SA_A_ENC_KEY, RVTI_SA_A_AUTH_ALG and RVTI_SA_A_AUTH_KEY. Algorithm
 * names are those of `ip xfrm` (and short aliases: aes-gcm, aes-cbc,
 * chacha20-poly1305, sha1, sha256, sha384, sha512).
 *
 * Inbound ESP is matched to an SA by its SPI and outer addresses (RFC 4301
 * section 4.1): destination the tunnel's local address (any, when the
 * local address is a wildcard), source its remote. ESP with one of rvti's
 * SPIs between other addresses is left to XFRM untouched, so an XFRM SA of
 * another peer may use the same SPI. Two rvti tunnels whose outer
 * addresses could both match one packet (same remote, same or wildcard
 * local) cannot have the same inbound SPI: NEW_SA, and SET_TUNNEL on a
 * tunnel with inbound SAs, refuse it. The SPI of an SA is unique per
 * device and direction. A new outbound SA becomes the active one
 * atomically; the one it replaces stays, inactive, until deleted or
 * expired (see below). A device holds at most 256 SAs.
 *
 * The key attributes of a NEW_SA or DEL_SA request are zeroed in the
 * request before the command returns, whatever the outcome (these two
 * commands parse the RVTI_A_SA nest themselves, with the nested policy
 * that a policy dump of the family shows).
 *
 * RVTI_CMD_DEL_SA
 * ---------------
 *
 *    RVTI_A_IFINDEX / RVTI_A_IFNAME
 *    RVTI_A_SA: NLA_NESTED
 *        RVTI_SA_A_DIR: NLA_U8
 *        RVTI_SA_A_SPI: NLA_U32
 *
 * State in RVTI_CMD_GET_TUNNEL replies
 * ------------------------------------
 *
 * Besides the attributes above, each reply carries:
 *
 *    RVTI_A_STATS: NLA_NESTED, per-tunnel counters
 *        RVTI_TSTAT_NO_TX_SA: NLA_U64, packets dropped: no outbound SA
 *        RVTI_TSTAT_NO_ENDPOINT: NLA_U64, packets dropped: no remote
 *        RVTI_TSTAT_WRONG_SOURCE: NLA_U64, ESP with one of the tunnel's
 *            inbound SPIs from another outer source or to another local
 *            address: not the tunnel's, left to XFRM (which may own it)
 *    RVTI_A_SAS: NLA_NESTED, one RVTI_A_SA nest per SA:
 *        RVTI_SA_A_DIR, RVTI_SA_A_SPI, RVTI_SA_A_AEAD_ALG or
 *        RVTI_SA_A_ENC_ALG and RVTI_SA_A_AUTH_ALG, RVTI_SA_A_ICV_BITS,
 *        RVTI_SA_A_FLAGS, RVTI_SA_A_REPLAY_WINDOW (inbound),
 *        RVTI_SA_A_STATS: NLA_NESTED, enum rvti_sa_stat, all NLA_U64
 *
 * The device's own counters (`ip -s link`) count inner packets and bytes
 * in both directions, as the SA counters do.
 *
 * Keys are never returned.
 *
 * RVTI_CMD_SET_SITE
 * -----------------
 *
 * Changes the site label and the transit setting of the named device.
 * Attributes that are absent keep their value; at least one is needed:
 *
 *    RVTI_A_IFINDEX / RVTI_A_IFNAME
 *    RVTI_A_SITE: NLA_NUL_STRING, maxlen RVTI_SITE_MAX_LEN; "" clears it
 *    RVTI_A_TRANSIT: NLA_U8, 0 or 1
 *
 * Tunnels with the same (non-empty) site label lead to the same remote
 * site and may hold overlapping prefixes; a tunnel without a label is a
 * site of its own. A label change that would make a prefix of the device
 * overlap a prefix of a tunnel of another site is refused as in
 * RVTI_CMD_NEW_PREFIX. A packet that came in through one rvti device and
 * is routed out through another is sent only when both have transit on
 * (default off); otherwise it is dropped and counted in
 * RVTI_TSTAT_TRANSIT of the outgoing device.
 *
 * RVTI_CMD_NEW_PREFIX, RVTI_CMD_DEL_PREFIX
 * ----------------------------------------
 *
 * Adds a prefix to, or removes one from, the named device:
 *
 *    RVTI_A_IFINDEX / RVTI_A_IFNAME
 *    RVTI_A_PREFIX: NLA_NESTED
 *        RVTI_PREFIX_A_ADDR: NLA_BINARY, 4 (IPv4) or 16 (IPv6) bytes,
 *                            network order, host bits 0; required
 *        RVTI_PREFIX_A_LEN: NLA_U8, 0-32 or 0-128; required
 *        RVTI_PREFIX_A_FLAGS: NLA_U32, RVTI_PREFIX_F_*, optional (add only)
 *
 * The prefixes of a device are the address spaces of the remote site: a
 * device without prefixes carries any inner address; with prefixes, an
 * outbound packet whose inner destination is outside them is dropped
 * (RVTI_TSTAT_SELECTOR_OUT) and answered with ICMP / ICMPv6 destination
 * unreachable, and a decrypted packet whose inner source is outside them
 * is dropped (RVTI_TSTAT_SELECTOR_IN). Link-local addresses (169.254.0.0/16,
 * 224.0.0.0/24, fe80::/10, ff02::/16) belong to the tunnel link and pass
 * whatever the prefixes say. At most 65536 prefixes per device.
 *
 * A new prefix that overlaps (contains, equals or lies in) a prefix of
 * another rvti device of the namespace whose site label differs is
 * refused with EEXIST. Before the error the kernel sends one message,
 * command RVTI_CMD_NEW_PREFIX, that names the other device (RVTI_A_IFINDEX,
 * RVTI_A_IFNAME) and its prefix (RVTI_A_PREFIX), for the tool to print.
 * The kernel installs no route: RVTI_PREFIX_F_ROUTE is kept for the tool,
 * which manages the routes (Documentation/rvti.rst).
 *
 * RVTI_CMD_GET_PREFIX
 * -------------------
 *
 * Dump only (NLM_F_DUMP), optionally filtered by RVTI_A_IFINDEX or
 * RVTI_A_IFNAME: one message per prefix, split across as many replies as
 * needed:
 *
 *    RVTI_A_IFINDEX, RVTI_A_IFNAME
 *    RVTI_A_PREFIX: NLA_NESTED, RVTI_PREFIX_A_ADDR, RVTI_PREFIX_A_LEN,
 *                   RVTI_PREFIX_A_FLAGS
 *
 * RVTI_CMD_FLUSH_PREFIXES
 * -----------------------
 *
 * Removes every prefix of the named device (RVTI_A_IFINDEX / RVTI_A_IFNAME).
 *
 * RVTI_CMD_GET_SA
 * ---------------
 *
 * Dump only, optionally filtered by RVTI_A_IFINDEX or RVTI_A_IFNAME: one
 * message per SA, split across as many replies as needed, so that a
 * device with many SAs lists completely:
 *
 *    RVTI_A_IFINDEX, RVTI_A_IFNAME
 *    RVTI_A_SA: NLA_NESTED, as in RVTI_A_SAS of RVTI_CMD_GET_TUNNEL
 *
 * Additions to RVTI_CMD_GET_TUNNEL
 * --------------------------------
 *
 * A request may carry RVTI_A_NO_SAS (NLA_FLAG): the replies then leave out
 * RVTI_A_SAS (list them with RVTI_CMD_GET_SA), which keeps each reply
 * small whatever the number of SAs. Every reply also carries:
 *
 *    RVTI_A_SITE: NLA_NUL_STRING, absent when the device has no label
 *    RVTI_A_TRANSIT: NLA_U8, 0 or 1
 *    RVTI_A_PREFIX_COUNT: NLA_U32, how many prefixes the device has
 *    RVTI_A_STATS:
 *        RVTI_TSTAT_SELECTOR_OUT: NLA_U64, outbound packets dropped: inner
 *                                 destination outside the prefixes
 *        RVTI_TSTAT_SELECTOR_IN: NLA_U64, decrypted packets dropped: inner
 *                                source outside the prefixes
 *        RVTI_TSTAT_TRANSIT: NLA_U64, packets from another rvti device
 *                            dropped because transit is not on for both
 *
 * What a key manager needs (lifetimes, rekey, SPI allocation, events)
 * ==================================================================
 *
 * Make-before-break: a device holds several inbound SAs at once, each with
 * its own replay window and counters. A new outbound SA becomes the
 * device's active one at once (one pointer store: every packet uses the
 * old SA or the new); the one it replaces stays, inactive, until it is
 * deleted or expires. Replies mark the active outbound SA with
 * RVTI_SA_A_ACTIVE. A device holds at most 256 SAs.
 *
 * Additions to RVTI_CMD_NEW_SA (inside RVTI_A_SA):
 *
 *    RVTI_SA_A_LIFETIME: NLA_NESTED, enum rvti_lifetime_attr, all NLA_U64,
 *                        0 or absent: no limit. A soft limit must not
 *                        exceed its hard limit. Soft: an event, the SA keeps
 *                        working. Hard: the SA is no longer used in either
 *                        direction, an event, and it is deleted.
 *    RVTI_SA_A_SEQ: NLA_U64, outbound only: the last sequence number
 *                   used; the first packet carries SEQ + 1 (as `ip xfrm
 *                   state ... replay-oseq`). Default 0.
 *
 * Additions to the SA nest of replies (GET_TUNNEL, GET_SA):
 *
 *    RVTI_SA_A_LIFETIME: the limits, as set
 *    RVTI_SA_A_ACTIVE: NLA_U8, outbound: 1 for the active SA, else 0
 *    RVTI_SA_A_STATE: NLA_U8, enum rvti_sa_state
 *    RVTI_SA_A_ADD_TIME: NLA_U64, when the SA was added (seconds since the
 *                        epoch, CLOCK_REALTIME)
 *    RVTI_SA_A_FIRST_USE: NLA_U64, first packet through the SA, 0: none
 *    RVTI_SA_A_LAST_USE: NLA_U64, last packet through the SA, 0: none
 *    RVTI_SA_A_PARALLEL: NLA_U8, 1 when the SA's crypto is spread over
 *                        the CPUs (packets kept in order; module
 *                        parameter parallel_crypto), else 0
 *
 * and to the tunnel replies (GET_TUNNEL):
 *
 *    RVTI_A_LAST_RX: NLA_U64, the last authentic packet received by any
 *                    of the tunnel's SAs (seconds since the epoch), 0: none
 *
 * NAT traversal (RFC 3948), additions to RVTI_CMD_NEW_SA and to the SA
 * nest of replies:
 *
 *    RVTI_SA_A_ENCAP_SPORT: NLA_U16, host order, 1-65535
 *    RVTI_SA_A_ENCAP_DPORT: NLA_U16, host order, 1-65535
 *
 * Both or neither: with them the SA's ESP travels in UDP with these
 * ports, as the packets go (as `ip xfrm state ... encap espinudp SPORT
 * DPORT`): an outbound SA's source port is the local one, an inbound SA's
 * the peer's. Outbound, the UDP header goes between the outer IP header
 * and ESP (IPv4: checksum 0, as RFC 3948 says; IPv6: a checksum, RFC 8200)
 * and takes 8 bytes of the path MTU. Inbound, ESP in UDP reaches rvti
 * through a UDP socket of the namespace that has the UDP_ENCAP option
 * UDP_ENCAP_ESPINUDP on the local port (an IKE daemon's port 4500 socket),
 * as it reaches XFRM: the kernel hands rvti what is ESP (not IKE, not
 * keepalives) before XFRM. An SA takes only its kind of packet: ESP in
 * UDP for an SA without ports, or bare ESP for one with them, is dropped
 * and counted (RVTI_SA_STAT_ENCAP_MISMATCH). An authentic packet from
 * another source port is accepted (a NAT may change the mapping) and
 * announced: RVTI_EVENT_NEW_MAPPING, whose RVTI_A_SA holds RVTI_SA_A_DIR,
 * RVTI_SA_A_SPI (the inbound SA), RVTI_SA_A_ENCAP_SPORT (the port the
 * packet came from) and RVTI_SA_A_ENCAP_DPORT (the SA's local port); once
 * per new port, then at most once a second while packets keep coming
 * from a port that is not the SA's. The key manager then sets the SAs'
 * ports (as XFRM_MSG_MAPPING and an SA update do for XFRM):
 *
 * RVTI_CMD_SET_SA
 * ---------------
 *
 *    RVTI_A_IFINDEX / RVTI_A_IFNAME
 *    RVTI_A_SA: NLA_NESTED, RVTI_SA_A_DIR, RVTI_SA_A_SPI (the SA), and
 *               RVTI_SA_A_ENCAP_SPORT, RVTI_SA_A_ENCAP_DPORT: both, the
 *               SA's new ports as its packets go
 *
 * Only an SA of ESP in UDP has ports to change, and nothing else of an SA
 * changes: any other SA attribute is refused. The data path sees the old
 * pair of ports or the new, never a mix.
 *
 * Without an IKE daemon (static keys), a tunnel may have rvti hold the
 * local port itself: RVTI_CMD_SET_TUNNEL takes
 *
 *    RVTI_A_ENCAP_PORT: NLA_U16, host order, 0 (none, the default) or a
 *                       port
 *
 * rvti then holds kernel UDP sockets with UDP_ENCAP_ESPINUDP on that port
 * (IPv4 and IPv6, any local address) in the tunnel's namespace of
 * creation, shared by the tunnels that name the same port, closed with
 * the last of them; a port another socket holds (an IKE daemon's) is
 * refused. What arrives there goes the way it goes from an IKE daemon's
 * socket; IKE packets are dropped. Tunnel replies carry RVTI_A_ENCAP_PORT
 * when it is set.
 *
 * Outbound sequence numbers without ESN: at 0xf0000000 (15/16 of the
 * space) a soft expiry event with RVTI_LIMIT_SEQ; past 0xffffffff the SA
 * drops and counts every packet (RVTI_SA_STAT_SEQ_EXHAUSTED) and a hard
 * expiry event with RVTI_LIMIT_SEQ is sent once; the SA is not deleted.
 *
 * Liveness, and failover between the tunnels of a site
 * ====================================================
 *
 * Tunnel replies (GET_TUNNEL) carry
 *
 *    RVTI_A_STATE: NLA_U8, enum rvti_state: RVTI_STATE_CONNECTED when the
 *                  device is up, has a remote endpoint, a usable (not
 *                  hard expired) outbound SA and a usable inbound SA;
 *                  otherwise the first of these that is missing
 *
 * and a change of it is announced: RVTI_EVENT_TUNNEL_CHANGE with
 * RVTI_A_STATE, and a line in the kernel log. A key manager that deletes
 * a dead peer's SAs (IKE dead peer detection) thereby takes the tunnel
 * out of RVTI_STATE_CONNECTED; an idle tunnel stays connected.
 *
 * A tunnel that cannot send (no remote endpoint, no usable outbound SA)
 * hands each packet routed into it to another tunnel of its site label
 * in the same namespace that is up and can send, and whose prefixes hold
 * the inner destination (or that has none), chosen by the packet's flow
 * hash; that tunnel carries and counts it, and the first counts it in
 * RVTI_TSTAT_FAILOVER (NLA_U64, in RVTI_A_STATS). Link-local destinations
 * (as for prefixes) belong to their link and are never handed over. Only
 * when no tunnel of the site can take a packet is it dropped (and counted
 * in RVTI_TSTAT_NO_TX_SA or RVTI_TSTAT_NO_ENDPOINT). An acquire event
 * (RVTI_EVENT_ACQUIRE) is sent for the tunnel that could not send either
 * way. So one ECMP route across the tunnels of a site keeps every flow
 * flowing while one tunnel is down, and a tunnel that comes back takes
 * its flows again with its first SA: no route changes.

 * RVTI_CMD_GET_SA (do)
 * --------------------
 *
 * With RVTI_A_IFINDEX or RVTI_A_IFNAME and RVTI_A_SA holding RVTI_SA_A_DIR
 * and RVTI_SA_A_SPI: that one SA, as in the dump.
 *
 * RVTI_CMD_FLUSH_SAS
 * ------------------
 *
 * Deletes every SA of the named device, or with no device every SA of
 * every rvti device of the namespace.
 *
 * RVTI_CMD_ALLOC_SPI
 * ------------------
 *
 *    RVTI_A_IFINDEX / RVTI_A_IFNAME
 *    RVTI_A_SPI_MIN: NLA_U32, optional, at least 256 (default 256)
 *    RVTI_A_SPI_MAX: NLA_U32, optional (default 0xffffffff)
 *
 * Picks at random an inbound SPI in [MIN, MAX] that no rvti SA and no
 * other reservation uses for the device's local address (any local
 * address, when the tunnel's is a wildcard), and reserves it for the
 * device until an inbound SA with that SPI is added to the device, or
 * for the module parameter spi_reserve_seconds (30 by default). The reply
 * (command RVTI_CMD_ALLOC_SPI) carries RVTI_A_IFINDEX, RVTI_A_IFNAME and
 * RVTI_A_SPI (NLA_U32). An empty or inverted range, or one that is all
 * taken, is refused. NEW_SA refuses an inbound SPI reserved for another
 * device with a colliding local address.
 *
 * Events: the multicast group RVTI_MCGRP_EVENTS
 * ---------------------------------------------
 *
 * Per network namespace: a listener sees the events of the devices of its
 * namespace only. Each message has the command RVTI_CMD_EVENT:
 *
 *    RVTI_A_EVENT: NLA_U8, enum rvti_event
 *    RVTI_A_IFINDEX, RVTI_A_IFNAME: the device
 *    RVTI_A_SA: NLA_NESTED, SA events: RVTI_SA_A_DIR, RVTI_SA_A_SPI, and for
 *               expiries RVTI_SA_A_LIMIT (NLA_U8, enum rvti_limit)
 *
 * RVTI_EVENT_ACQUIRE: traffic was routed into the device while it had no
 * usable outbound SA (none, expired, or its sequence numbers used up); at
 * most one per device per second.
 *
 * Errors carry an extended ack message that says what is wrong.
 *
 * The enums below are ABI: values are only ever appended.
 */

#ifndef _UAPI_LINUX_RVTI_H
#define _UAPI_LINUX_RVTI_H

#define RVTI_GENL_NAME "rvti"
#define RVTI_GENL_VERSION 1

enum rvti_cmd {
	RVTI_CMD_UNSPEC,
	RVTI_CMD_GET_TUNNEL,
	RVTI_CMD_SET_TUNNEL,
	RVTI_CMD_NEW_SA,
	RVTI_CMD_DEL_SA,
	RVTI_CMD_SET_SITE,
	RVTI_CMD_NEW_PREFIX,
	RVTI_CMD_DEL_PREFIX,
	RVTI_CMD_GET_PREFIX,
	RVTI_CMD_FLUSH_PREFIXES,
	RVTI_CMD_GET_SA,
	RVTI_CMD_FLUSH_SAS,
	RVTI_CMD_ALLOC_SPI,
	RVTI_CMD_EVENT,
	RVTI_CMD_SET_SA,
	__RVTI_CMD_MAX
};

#define RVTI_CMD_MAX (__RVTI_CMD_MAX - 1)

enum rvti_attr {
	RVTI_A_UNSPEC,
	RVTI_A_IFINDEX,
	RVTI_A_IFNAME,
	RVTI_A_LOCAL,
	RVTI_A_REMOTE,
	RVTI_A_SA,
	RVTI_A_SAS,
	RVTI_A_STATS,
	RVTI_A_PAD,
	RVTI_A_TTL,
	RVTI_A_DF,
	RVTI_A_PREFIX,
	RVTI_A_SITE,
	RVTI_A_TRANSIT,
	RVTI_A_PREFIX_COUNT,
	RVTI_A_NO_SAS,
	RVTI_A_SPI_MIN,
	RVTI_A_SPI_MAX,
	RVTI_A_SPI,
	RVTI_A_EVENT,
	RVTI_A_LAST_RX,
	RVTI_A_ENCAP_PORT,
	RVTI_A_STATE,
	__RVTI_A_MAX
};

#define RVTI_A_MAX (__RVTI_A_MAX - 1)

/*
 * The DF bit of an IPv4 outer header. Inner IPv4 packets without DF that
 * do not fit are fragmented before encryption whatever this says, so an
 * outer packet never needs fragmenting on the path MTU rvti knows.
 */
enum rvti_df {
	/* From the inner packet: IPv4's DF bit; set for IPv6. Default. */
	RVTI_DF_COPY,
	RVTI_DF_SET,
	RVTI_DF_CLEAR,
	__RVTI_DF_MAX
};

#define RVTI_DF_MAX (__RVTI_DF_MAX - 1)

/*
 * Whether a tunnel carries traffic now (RVTI_A_STATE), the first reason
 * that applies. New reasons may be appended; a tool shows a value it does
 * not know as a number.
 */
enum rvti_state {
	RVTI_STATE_DOWN,	/* the device is administratively down */
	RVTI_STATE_NO_ENDPOINT,	/* no remote endpoint */
	RVTI_STATE_NO_OUT_SA,	/* no usable outbound SA */
	RVTI_STATE_NO_IN_SA,	/* no usable inbound SA */
	RVTI_STATE_CONNECTED,	/* it can send and receive */
	__RVTI_STATE_MAX
};

#define RVTI_STATE_MAX (__RVTI_STATE_MAX - 1)

enum rvti_sa_dir {
	RVTI_SA_DIR_UNSPEC,
	RVTI_SA_DIR_IN,
	RVTI_SA_DIR_OUT,
	__RVTI_SA_DIR_MAX
};

#define RVTI_SA_DIR_MAX (__RVTI_SA_DIR_MAX - 1)

enum rvti_sa_flag {
	/* 64-bit extended sequence numbers (RFC 4303 section 2.2.1). */
	RVTI_SA_F_ESN = 1U << 0,
	__RVTI_SA_F_ALL = RVTI_SA_F_ESN
};

enum rvti_sa_attr {
	RVTI_SA_A_UNSPEC,
	RVTI_SA_A_DIR,
	RVTI_SA_A_SPI,
	RVTI_SA_A_AEAD_ALG,
	RVTI_SA_A_ENC_ALG,
	RVTI_SA_A_AUTH_ALG,
	RVTI_SA_A_ENC_KEY,
	RVTI_SA_A_AUTH_KEY,
	RVTI_SA_A_ICV_BITS,
	RVTI_SA_A_FLAGS,
	RVTI_SA_A_REPLAY_WINDOW,
	RVTI_SA_A_STATS,
	RVTI_SA_A_PAD,
	RVTI_SA_A_LIFETIME,
	RVTI_SA_A_SEQ,
	RVTI_SA_A_ACTIVE,
	RVTI_SA_A_STATE,
	RVTI_SA_A_ADD_TIME,
	RVTI_SA_A_FIRST_USE,
	RVTI_SA_A_LAST_USE,
	RVTI_SA_A_LIMIT,
	RVTI_SA_A_PARALLEL,
	RVTI_SA_A_ENCAP_SPORT,
	RVTI_SA_A_ENCAP_DPORT,
	__RVTI_SA_A_MAX
};

#define RVTI_SA_A_MAX (__RVTI_SA_A_MAX - 1)

enum rvti_sa_stat {
	RVTI_SA_STAT_UNSPEC,
	/*
	 * Packets and bytes (inner packets) that passed through the SA.
	 * Inbound, an authentic dummy packet (next header 59, RFC 4303
	 * section 2.6) counts as a packet of no bytes.
	 */
	RVTI_SA_STAT_PACKETS,
	RVTI_SA_STAT_BYTES,
	/* Inbound drops. */
	RVTI_SA_STAT_REPLAYED,
	RVTI_SA_STAT_OUTSIDE_WINDOW,
	RVTI_SA_STAT_ICV_FAIL,
	/*
	 * Bad length, sequence number 0, bad padding or next header, an
	 * inner header that is not what the next header said, or ECN CE
	 * outside over a not-ECT inner packet (RFC 6040).
	 */
	RVTI_SA_STAT_MALFORMED,
	/* Outbound drops: the sequence number space is exhausted. */
	RVTI_SA_STAT_SEQ_EXHAUSTED,
	/* Outbound: last sequence number sent; inbound: highest accepted. */
	RVTI_SA_STAT_SEQ,
	RVTI_SA_STAT_PAD,
	/*
	 * Drops in either direction before any crypto: the SA's parallel
	 * crypto (RVTI_SA_A_PARALLEL) already had as many packets queued as
	 * it takes (1024), i.e. the host's CPUs are overloaded. Also in the
	 * device's tx_dropped or rx_dropped.
	 */
	RVTI_SA_STAT_OVERLOAD,
	/*
	 * Inbound drops: ESP in UDP for an SA without UDP ports, or bare
	 * ESP for an SA with them (RVTI_SA_A_ENCAP_SPORT).
	 */
	RVTI_SA_STAT_ENCAP_MISMATCH,
	__RVTI_SA_STAT_MAX
};

#define RVTI_SA_STAT_MAX (__RVTI_SA_STAT_MAX - 1)

enum rvti_tunnel_stat {
	RVTI_TSTAT_UNSPEC,
	RVTI_TSTAT_NO_TX_SA,
	RVTI_TSTAT_NO_ENDPOINT,
	RVTI_TSTAT_WRONG_SOURCE,
	RVTI_TSTAT_PAD,
	RVTI_TSTAT_SELECTOR_OUT,
	RVTI_TSTAT_SELECTOR_IN,
	RVTI_TSTAT_TRANSIT,
	RVTI_TSTAT_FAILOVER,
	__RVTI_TSTAT_MAX
};

#define RVTI_TSTAT_MAX (__RVTI_TSTAT_MAX - 1)

/* The multicast group of events (RVTI_CMD_EVENT). */
#define RVTI_MCGRP_EVENTS "events"

enum rvti_lifetime_attr {
	RVTI_LIFETIME_A_UNSPEC,
	RVTI_LIFETIME_A_SOFT_BYTES,
	RVTI_LIFETIME_A_HARD_BYTES,
	RVTI_LIFETIME_A_SOFT_PACKETS,
	RVTI_LIFETIME_A_HARD_PACKETS,
	/* Seconds since the SA was added. */
	RVTI_LIFETIME_A_SOFT_ADD_SECONDS,
	RVTI_LIFETIME_A_HARD_ADD_SECONDS,
	/* Seconds since the first packet through the SA. */
	RVTI_LIFETIME_A_SOFT_USE_SECONDS,
	RVTI_LIFETIME_A_HARD_USE_SECONDS,
	RVTI_LIFETIME_A_PAD,
	__RVTI_LIFETIME_A_MAX
};

#define RVTI_LIFETIME_A_MAX (__RVTI_LIFETIME_A_MAX - 1)

/* Which limit an expiry is about (RVTI_SA_A_LIMIT). */
enum rvti_limit {
	RVTI_LIMIT_UNSPEC,
	RVTI_LIMIT_BYTES,
	RVTI_LIMIT_PACKETS,
	RVTI_LIMIT_ADD_SECONDS,
	RVTI_LIMIT_USE_SECONDS,
	RVTI_LIMIT_SEQ,
	__RVTI_LIMIT_MAX
};

#define RVTI_LIMIT_MAX (__RVTI_LIMIT_MAX - 1)

enum rvti_sa_state {
	RVTI_SA_STATE_OK,
	/* A soft limit was reached: time to rekey. */
	RVTI_SA_STATE_SOFT_EXPIRED,
	/* A hard limit was reached: no longer used, about to be deleted. */
	RVTI_SA_STATE_HARD_EXPIRED,
	__RVTI_SA_STATE_MAX
};

enum rvti_event {
	RVTI_EVENT_UNSPEC,
	RVTI_EVENT_TUNNEL_NEW,
	RVTI_EVENT_TUNNEL_CHANGE,
	RVTI_EVENT_TUNNEL_DEL,
	RVTI_EVENT_SA_NEW,
	RVTI_EVENT_SA_DEL,
	RVTI_EVENT_SA_SOFT_EXPIRE,
	RVTI_EVENT_SA_HARD_EXPIRE,
	RVTI_EVENT_ACQUIRE,
	RVTI_EVENT_NEW_MAPPING,
	__RVTI_EVENT_MAX
};

#define RVTI_EVENT_MAX (__RVTI_EVENT_MAX - 1)

/* The longest site label, without its terminating NUL. */
#define RVTI_SITE_MAX_LEN 31

enum rvti_prefix_flag {
	/* The tool installs a route for the prefix through the device. */
	RVTI_PREFIX_F_ROUTE = 1U << 0,
	__RVTI_PREFIX_F_ALL = RVTI_PREFIX_F_ROUTE
};

enum rvti_prefix_attr {
	RVTI_PREFIX_A_UNSPEC,
	RVTI_PREFIX_A_ADDR,
	RVTI_PREFIX_A_LEN,
	RVTI_PREFIX_A_FLAGS,
	__RVTI_PREFIX_A_MAX
};

#define RVTI_PREFIX_A_MAX (__RVTI_PREFIX_A_MAX - 1)

#endif /* _UAPI_LINUX_RVTI_H */
