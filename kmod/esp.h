/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_ESP_H
#define _RVTI_ESP_H

#include <crypto/aead.h>
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

struct rvti_sa;
struct sk_buff;

/* Bytes of RFC 4303 padding for @len bytes of payload and the 2-byte
 * trailer, to a multiple of @block_len (a power of two, at least 4).
 */
static inline unsigned int rvti_esp_pad_len(unsigned int len,
					    unsigned int block_len)
{
	return ALIGN(len + 2, block_len) - len - 2;
}

int rvti_esp_init(void);
void rvti_esp_uninit(void);

/*
 * The end of a packet's crypto: puts back the bytes the AAD borrowed,
 * frees the request and runs the packet's @done.
 */
void rvti_esp_finish(struct sk_buff *skb, int err);
/*
 * Runs the request of a packet queued for parallel crypto (parallel.c):
 * its result, or -EINPROGRESS if rvti_parallel_complete() will report it.
 */
int rvti_esp_crypt_queued(struct sk_buff *skb);
/*
 * Where a packet queued for parallel crypto keeps the next packet of the
 * chain it is handed to a worker in (parallel.c): in its request block.
 */
struct sk_buff **rvti_esp_par_next(struct sk_buff *skb);

void rvti_esp_fill_trailer(u8 *tail, unsigned int pad_len, u8 next_hdr);
bool rvti_esp_pad_ok(const u8 *pad, unsigned int pad_len);

/*
 * Turns the inner packet @skb (data at its IP header) into an ESP payload
 * for @sa: padding and the trailer with @next_hdr at the end, room for the
 * ICV, and in front the ESP header with @seq and room for the IV, with
 * @hroom bytes of headroom left for the outer headers. Returns the ESP
 * header and sets *@clen and *@nfrags for rvti_esp_encrypt(), or returns
 * an ERR_PTR and the caller drops the packet.
 */
struct ip_esp_hdr *rvti_esp_encap(struct rvti_sa *sa, struct sk_buff *skb,
				  unsigned int hroom, u8 next_hdr, u64 seq,
				  unsigned int *clen, int *nfrags);
/*
 * Encrypts @skb in place: @esph is followed by room for the IV, @clen
 * bytes of payload and trailer, and room for the ICV; @nfrags is what
 * rvti_esp_encap() set: the scatterlist entries the packet takes. @done
 * runs when encryption finished, maybe later on another CPU; the return
 * value is 0 if @done ran already, -EINPROGRESS if it will.
 */
int rvti_esp_encrypt(struct rvti_sa *sa, struct sk_buff *skb,
		     struct ip_esp_hdr *esph, u64 seq, unsigned int clen,
		     int nfrags, void (*done)(struct sk_buff *skb, int err));
/*
 * Decrypts and authenticates @skb, whose data starts at the ESP header;
 * @seq is the full sequence number (for ESN). @done runs as above and
 * gets -EBADMSG for an ICV mismatch.
 */
int rvti_esp_decrypt(struct rvti_sa *sa, struct sk_buff *skb, u64 seq,
		     void (*done)(struct sk_buff *skb, int err));
#if IS_ENABLED(CONFIG_KUNIT)
int rvti_esp_rx_nfrags(struct sk_buff *skb);
u8 *rvti_esp_tail(struct sk_buff *skb, unsigned int tail_len, int *nfrags);
#endif

/* The part of skb->cb the ESP layer owns between the two phases. */
struct rvti_esp_cb {
	void *tmp;
	struct rvti_sa *sa;
	void (*done)(struct sk_buff *skb, int err);
	u64 seq;
	u16 esph_off;		/* ESP header, from skb->head */
	u8 outer_dsfield;	/* receive: the outer DSCP/ECN, for decap */
	u8 pushed;		/* ESN AAD went in front of skb->data */
	u8 held;		/* SA and device references taken for @done */
	u8 scratch;		/* @tmp is this CPU's buffer, not allocated */
	u8 parallel;		/* RVTI_PAR_*: queued for parallel crypto */
	union {
		u32 len;	/* transmit: the inner length, for counters */
		__be16 sport;	/* receive: ESP in UDP's source port, or 0 */
	};
	int par_err;		/* parallel crypto's result, for the serial step */
};

/*
 * Whether the SA's transform may complete later (cryptd, an accelerator):
 * only then must the packet hold references to the SA and the device
 * across the crypto call. A synchronous transform has called @done before
 * it returns, inside the caller's RCU read-side section, which keeps both
 * alive (they are freed after a grace period), so the data path saves the
 * two atomic round trips per packet.
 */
static inline bool rvti_esp_async(struct crypto_aead *aead)
{
	return crypto_aead_tfm(aead)->__crt_alg->cra_flags & CRYPTO_ALG_ASYNC;
}

static inline struct rvti_esp_cb *rvti_esp_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct rvti_esp_cb) > sizeof(skb->cb));
	return (struct rvti_esp_cb *)skb->cb;
}

#endif /* _RVTI_ESP_H */
