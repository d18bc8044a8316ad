/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_ESP_H
#define _RVTI_ESP_H

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/esp.h>

/*
 * Worst-case ESP tunnel-mode overhead of the algorithms rvti offers: an
 * IPv6 outer header, a UDP header for NAT traversal (RFC 3948), the ESP
 * header, a 16-byte IV (AES-CBC), up to 15 bytes of padding to the AES
 * block, the 2-byte trailer and a 32-byte ICV (HMAC-SHA-512/256).
 */
#define RVTI_MAX_IV_LEN		16
#define RVTI_MAX_ICV_LEN	32
#define RVTI_MAX_BLOCK_LEN	16
#define RVTI_MAX_HEADROOM	(sizeof(struct ipv6hdr) + sizeof(struct udphdr) + \
				 sizeof(struct ip_esp_hdr) + RVTI_MAX_IV_LEN)
#define RVTI_MAX_TAILROOM	(RVTI_MAX_BLOCK_LEN - 1 + 2 + RVTI_MAX_ICV_LEN)
#define RVTI_MAX_OVERHEAD	(RVTI_MAX_HEADROOM + RVTI_MAX_TAILROOM)

/*
 * A default MTU with which no inner packet has to be fragmented or refused
 * on a 1500-byte path, whatever the algorithm and outer family: 1379.
 */
#define RVTI_DEFAULT_MTU	(ETH_DATA_LEN - RVTI_MAX_OVERHEAD)

#endif /* _RVTI_ESP_H */
