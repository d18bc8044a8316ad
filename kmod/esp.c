// SPDX-License-Identifier: GPL-2.0
/*
 * ESP framing (RFC 4303) and the AEAD calls, shared by both directions.
 *
 * The AAD is the ESP header: SPI and sequence number, and with extended
 * sequence numbers also the high 32 bits, which are not on the wire. Like
 * XFRM, we make room for them by moving the SPI 4 bytes to the front for
 * the duration of the crypto call (the bytes it covers are saved and put
 * back), so that the transform sees SPI | seq_hi | seq_lo | IV | payload.
 */

#include <crypto/aead.h>
#include <kunit/visibility.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <net/esp.h>

#include "esp.h"
#include "parallel.h"
#include "sa.h"

void rvti_esp_fill_trailer(u8 *tail, unsigned int pad_len, u8 next_hdr)
{
	unsigned int i;

	/* RFC 4303 section 2.4: the default padding is 1, 2, 3, ... */
	for (i = 0; i < pad_len; i++)
		tail[i] = i + 1;
	tail[pad_len] = pad_len;
	tail[pad_len + 1] = next_hdr;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_fill_trailer);

/*
 * RFC 4303 section 2.4: a receiver should check that the padding is the
 * default sequence; anything else was not made by a conforming sender.
 */
bool rvti_esp_pad_ok(const u8 *pad, unsigned int pad_len)
{
	unsigned int i;

	for (i = 0; i < pad_len; i++)
		if (pad[i] != i + 1)
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_pad_ok);

/*
 * Request memory for synchronous transforms, one buffer per CPU. Such a
 * request lives only while crypto_aead_encrypt() or _decrypt() runs, with
 * bottom halves disabled on the data path, and is released before the
 * packet's @done runs (which may transmit again, through another rvti
 * device), so one buffer per CPU serves every packet and saves an
 * allocation and a free per packet. Requests of asynchronous transforms,
 * requests made with bottom halves enabled (KUnit), and requests larger
 * than the buffer (many fragments) are allocated as esp4 does.
 */
#define RVTI_ESP_SCRATCH_SIZE 2048

/* Aligned at least as kmalloc() would, which the layout below assumes. */
struct rvti_esp_scratch {
	u8 buf[RVTI_ESP_SCRATCH_SIZE] __aligned(L1_CACHE_BYTES);
	bool busy;
};

static struct rvti_esp_scratch __percpu *rvti_esp_scratch;

/* Where trailers go that do not fit at their packet's tail (rvti_esp_tail). */
static DEFINE_PER_CPU(struct page_frag, rvti_esp_pfrag);

/*
 * A parallel request (parallel.c) keeps what its crypto needs in its
 * block, after the saved bytes: a CPU's worker runs it later.
 */
struct rvti_esp_par {
	struct aead_request *req;	/* its data is the skb */
	struct sk_buff *next;		/* the next packet of its chain */
	bool encrypt;
};

#define RVTI_ESP_PAR_OFF ALIGN(sizeof(__be32), __alignof__(struct rvti_esp_par))

static struct rvti_esp_par *rvti_esp_par(void *tmp)
{
	return tmp + RVTI_ESP_PAR_OFF;
}

int __init rvti_esp_init(void)
{
	int ret;

	rvti_esp_scratch = alloc_percpu(struct rvti_esp_scratch);
	if (!rvti_esp_scratch)
		return -ENOMEM;
	ret = rvti_parallel_init();
	if (ret)
		free_percpu(rvti_esp_scratch);
	return ret;
}

void rvti_esp_uninit(void)
{
	int cpu;

	rvti_parallel_uninit();
	free_percpu(rvti_esp_scratch);
	/* Packets hold their own references to the pages they use. */
	for_each_possible_cpu(cpu) {
		struct page_frag *pfrag = per_cpu_ptr(&rvti_esp_pfrag, cpu);

		if (pfrag->page)
			put_page(pfrag->page);
		pfrag->page = NULL;
	}
}

static void *rvti_esp_get_tmp(struct rvti_sa *sa, unsigned int len,
			      u8 *scratch)
{
	struct rvti_esp_scratch *s;

	*scratch = 0;
	if (len <= RVTI_ESP_SCRATCH_SIZE && in_softirq() && !rvti_sa_async(sa)) {
		s = this_cpu_ptr(rvti_esp_scratch);
		if (likely(!s->busy)) {
			s->busy = true;
			*scratch = 1;
			return s->buf;
		}
	}
	return kmalloc(len, GFP_ATOMIC);
}

static void rvti_esp_put_tmp(void *tmp, u8 scratch)
{
	if (scratch)
		container_of(tmp, struct rvti_esp_scratch, buf[0])->busy = false;
	else
		kfree(tmp);
}

/*
 * One block for a request: the saved AAD bytes, the IV, the request and
 * its scatterlist, laid out as the crypto API wants them aligned.
 */
static void *rvti_esp_alloc_tmp(struct rvti_sa *sa, int nfrags,
				__be32 **saved, u8 **iv,
				struct aead_request **req,
				struct scatterlist **sg, u8 *scratch)
{
	struct crypto_aead *aead = sa->aead;
	/* After the saved bytes, for a parallel request: its state. */
	unsigned int pre = sa->parallel ? RVTI_ESP_PAR_OFF +
					sizeof(struct rvti_esp_par) :
					sizeof(__be32);
	unsigned int len = pre + crypto_aead_ivsize(aead);
	void *tmp;

	len += crypto_aead_alignmask(aead) & ~(crypto_tfm_ctx_alignment() - 1);
	len = ALIGN(len, crypto_tfm_ctx_alignment());
	len += sizeof(struct aead_request) + crypto_aead_reqsize(aead);
	len = ALIGN(len, __alignof__(struct scatterlist));
	len += sizeof(struct scatterlist) * nfrags;

	tmp = rvti_esp_get_tmp(sa, len, scratch);
	if (!tmp)
		return NULL;
	*saved = tmp;
	*iv = PTR_ALIGN((u8 *)tmp + pre,
			crypto_aead_alignmask(aead) + 1);
	*req = (void *)PTR_ALIGN(*iv + crypto_aead_ivsize(aead),
				 crypto_tfm_ctx_alignment());
	aead_request_set_tfm(*req, aead);
	*sg = (void *)ALIGN((unsigned long)(*req + 1) + crypto_aead_reqsize(aead),
			    __alignof__(struct scatterlist));
	return tmp;
}

/*
 * Room for the trailer without copying the packet: at its tail if it has
 * the room, else in a page frag of its own appended as esp4's
 * esp_output_head() does. A forwarded packet rarely has the tailroom (the
 * device's needed_tailroom reaches only local sockets' allocations), and
 * skb_cow_data() would copy all of it into a bigger buffer. Only for a
 * linear packet no one else holds: encryption is in place, and frags may
 * not be only the packet's own (a sender's ring or page cache; esp4 never
 * writes them either), so a paged packet, a clone or a zerocopy one is
 * made private by skb_cow_data(). Returns where the trailer goes, and the
 * scatterlist entries the packet takes, or NULL.
 */
VISIBLE_IF_KUNIT u8 *rvti_esp_tail(struct sk_buff *skb, unsigned int tail_len,
				   int *nfrags)
{
	unsigned int size = ALIGN(tail_len, L1_CACHE_BYTES);
	struct page_frag *pfrag;
	u8 *tail = NULL;

	if (skb_cloned(skb) || skb_is_nonlinear(skb) || skb_zcopy(skb))
		return NULL;
	if (skb_tailroom(skb) >= tail_len) {
		*nfrags = 1;
		return __skb_put(skb, tail_len);
	}

	/*
	 * One page frag per CPU, used with bottom halves disabled and
	 * released before anything else can run here; a nested transmit
	 * (a tunnel over a tunnel) comes after this one is done with it.
	 */
	local_bh_disable();
	pfrag = this_cpu_ptr(&rvti_esp_pfrag);
	if (likely(skb_page_frag_refill(size, pfrag, GFP_ATOMIC))) {
		tail = page_address(pfrag->page) + pfrag->offset;
		get_page(pfrag->page);
		__skb_fill_page_desc(skb, 0, pfrag->page, pfrag->offset,
				     tail_len);
		skb_shinfo(skb)->nr_frags = 1;
		pfrag->offset += size;
	}
	local_bh_enable();
	if (!tail)
		return NULL;
	skb_len_add(skb, tail_len);
	/* The socket's send buffer pays for it, as for the rest. */
	if (skb->sk && sk_fullsock(skb->sk))
		refcount_add(tail_len, &skb->sk->sk_wmem_alloc);
	*nfrags = 2;
	return tail;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_tail);

struct ip_esp_hdr *rvti_esp_encap(struct rvti_sa *sa, struct sk_buff *skb,
				  unsigned int hroom, u8 next_hdr, u64 seq,
				  unsigned int *clen, int *nfrags)
{
	unsigned int pad_len = rvti_esp_pad_len(skb->len, sa->block_len);
	unsigned int tail_len = pad_len + 2 + sa->icv_len;
	struct sk_buff *trailer;
	struct ip_esp_hdr *esph;
	u8 *tail;

	*clen = skb->len + pad_len + 2;
	if (skb_cow_head(skb, hroom + sizeof(*esph) + sa->iv_len))
		return ERR_PTR(-ENOMEM);
	tail = rvti_esp_tail(skb, tail_len, nfrags);
	if (!tail) {
		*nfrags = skb_cow_data(skb, tail_len, &trailer);
		if (*nfrags < 0)
			return ERR_PTR(*nfrags);
		tail = skb_tail_pointer(trailer);
		pskb_put(skb, trailer, tail_len);
	}
	rvti_esp_fill_trailer(tail, pad_len, next_hdr);

	esph = skb_push(skb, sizeof(*esph) + sa->iv_len);
	esph->spi = sa->spi;
	esph->seq_no = htonl(lower_32_bits(seq));
	skb_reset_transport_header(skb);
	return esph;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_encap);

/* Inserts seq_hi in front of the ESP header; returns where the AAD starts. */
static struct ip_esp_hdr *rvti_esp_esn_shift(struct rvti_esp_cb *cb,
					     struct ip_esp_hdr *esph)
{
	struct ip_esp_hdr *aad = (void *)((u8 *)esph - sizeof(__be32));

	*(__be32 *)cb->tmp = aad->spi;
	aad->spi = esph->spi;
	aad->seq_no = htonl(upper_32_bits(cb->seq));
	return aad;
}

static void rvti_esp_esn_unshift(struct sk_buff *skb)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);
	struct ip_esp_hdr *esph = (void *)(skb->head + cb->esph_off);
	struct ip_esp_hdr *aad = (void *)((u8 *)esph - sizeof(__be32));

	esph->spi = aad->spi;
	aad->spi = *(__be32 *)cb->tmp;
}

void rvti_esp_finish(struct sk_buff *skb, int err)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);

	if (cb->sa->flags & RVTI_SA_F_ESN)
		rvti_esp_esn_unshift(skb);
	if (cb->pushed)
		__skb_pull(skb, sizeof(__be32));
	cb->pushed = 0;
	/* Before @done, which may encrypt again on this CPU. */
	rvti_esp_put_tmp(cb->tmp, cb->scratch);
	cb->tmp = NULL;
	cb->done(skb, err);
}

struct sk_buff **rvti_esp_par_next(struct sk_buff *skb)
{
	return &rvti_esp_par(rvti_esp_cb(skb)->tmp)->next;
}

/* A CPU's crypto worker runs a parallel request (parallel.c). */
int rvti_esp_crypt_queued(struct sk_buff *skb)
{
	struct rvti_esp_par *par = rvti_esp_par(rvti_esp_cb(skb)->tmp);

	return par->encrypt ? crypto_aead_encrypt(par->req) :
			      crypto_aead_decrypt(par->req);
}

static void rvti_esp_crypto_done(struct crypto_async_request *req, int err)
{
	struct sk_buff *skb = req->data;

	if (rvti_esp_cb(skb)->parallel)
		rvti_parallel_complete(skb, err);
	else
		rvti_esp_finish(skb, err);
}

static void rvti_esp_cb_init(struct sk_buff *skb, struct rvti_sa *sa, u64 seq,
			     void (*done)(struct sk_buff *skb, int err))
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);

	cb->tmp = NULL;
	cb->sa = sa;
	cb->done = done;
	cb->seq = seq;
	cb->pushed = 0;
	cb->scratch = 0;
	cb->parallel = RVTI_PAR_NONE;
}

/* Runs after rvti_esp_cb_init(): the sequence number and @done are in cb. */
static int rvti_esp_crypt(struct rvti_sa *sa, struct sk_buff *skb,
			  struct ip_esp_hdr *esph, unsigned int crypt_len,
			  int nfrags, bool encrypt)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);
	bool esn = sa->flags & RVTI_SA_F_ESN;
	unsigned int assoclen = sizeof(*esph);
	struct aead_request *req;
	struct scatterlist *sg;
	struct ip_esp_hdr *aad;
	__be32 *saved;
	__be64 seqiv;
	int err;
	u8 *iv;

	cb->tmp = rvti_esp_alloc_tmp(sa, nfrags, &saved, &iv, &req, &sg,
				     &cb->scratch);
	if (!cb->tmp) {
		cb->done(skb, -ENOMEM);
		return 0;
	}
	cb->esph_off = (u8 *)esph - skb->head;

	aad = esph;
	if (esn) {
		aad = rvti_esp_esn_shift(cb, esph);
		assoclen += sizeof(__be32);
		/*
		 * On receive the data starts at the ESP header; the bytes
		 * borrowed in front of it are the outer header's.
		 */
		if ((u8 *)aad < skb->data) {
			__skb_push(skb, sizeof(__be32));
			cb->pushed = 1;
		}
	}

	sg_init_table(sg, nfrags);
	err = skb_to_sgvec(skb, sg, (u8 *)aad - skb->data,
			   assoclen + sa->iv_len + crypt_len + sa->icv_len);
	if (unlikely(err < 0)) {
		rvti_esp_finish(skb, err);
		return 0;
	}

	aead_request_set_callback(req, 0, rvti_esp_crypto_done, skb);
	aead_request_set_ad(req, assoclen);
	if (encrypt) {
		/*
		 * The IV generator (seqiv, echainiv) derives the IV from
		 * the sequence number, which is unique under the key.
		 */
		seqiv = cpu_to_be64(cb->seq);
		memset(iv, 0, sa->iv_len);
		memcpy(iv + sa->iv_len - min_t(int, sa->iv_len, 8),
		       (u8 *)&seqiv + 8 - min_t(int, sa->iv_len, 8),
		       min_t(int, sa->iv_len, 8));
		aead_request_set_crypt(req, sg, sg, sa->iv_len + crypt_len, iv);
	} else {
		aead_request_set_crypt(req, sg, sg,
				       sa->iv_len + crypt_len + sa->icv_len, iv);
	}
	if (sa->parallel) {
		struct rvti_esp_par *par = rvti_esp_par(cb->tmp);

		par->req = req;
		par->next = NULL;
		par->encrypt = encrypt;
		err = rvti_parallel_submit(sa->parallel, skb);
		if (!err)
			return -EINPROGRESS;
		/* -ENOBUFS: the SA's queue is full; the packet is dropped. */
		rvti_esp_finish(skb, err);
		return 0;
	}
	err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return err;
	rvti_esp_finish(skb, err);
	return 0;
}

int rvti_esp_encrypt(struct rvti_sa *sa, struct sk_buff *skb,
		     struct ip_esp_hdr *esph, u64 seq, unsigned int clen,
		     int nfrags, void (*done)(struct sk_buff *skb, int err))
{
	rvti_esp_cb_init(skb, sa, seq, done);
	return rvti_esp_crypt(sa, skb, esph, clen, nfrags, true);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_encrypt);

/*
 * Decryption is in place. A packet no one else holds (not cloned: no
 * capture, no other reference to its head or to its frags through a
 * clone; no frag a sender may still change, as with splice) and without
 * a frag list can be decrypted where it is, in its linear area and its
 * page frags, as esp4 does: no copy of what a NIC delivered in pages, or
 * of an XFRM peer's page-frag trailer. Returns the number of scatterlist
 * entries that takes, or 0 if the packet must be made private by
 * skb_cow_data() first.
 */
VISIBLE_IF_KUNIT int rvti_esp_rx_nfrags(struct sk_buff *skb)
{
	if (skb_cloned(skb) || skb_has_frag_list(skb) ||
	    skb_has_shared_frag(skb))
		return 0;
	return 1 + skb_shinfo(skb)->nr_frags;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_rx_nfrags);

int rvti_esp_decrypt(struct rvti_sa *sa, struct sk_buff *skb, u64 seq,
		     void (*done)(struct sk_buff *skb, int err))
{
	unsigned int crypt_len = skb->len - sizeof(struct ip_esp_hdr) -
				 sa->iv_len - sa->icv_len;
	struct sk_buff *trailer;
	int nfrags;

	rvti_esp_cb_init(skb, sa, seq, done);
	nfrags = rvti_esp_rx_nfrags(skb);
	if (!nfrags)
		nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0) {
		done(skb, nfrags);
		return 0;
	}
	skb->ip_summed = CHECKSUM_NONE;
	return rvti_esp_crypt(sa, skb, (struct ip_esp_hdr *)skb->data,
			      crypt_len, nfrags, false);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_esp_decrypt);
