/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ESP algorithms rvti offers, under the names `ip xfrm` uses so that
 * a configuration can be copied between the two.
 */
#ifndef _RVTI_ALG_H
#define _RVTI_ALG_H

#include <linux/netlink.h>
#include <linux/types.h>

enum rvti_alg_kind {
	RVTI_ALG_AEAD,
	RVTI_ALG_ENC,
	RVTI_ALG_AUTH,
};

struct rvti_alg {
	const char *name;	/* as in `ip xfrm`, returned in dumps */
	const char *alias;	/* short name accepted on input */
	enum rvti_alg_kind kind;
	/* Accepted key lengths in bytes, salt included; 0 ends the list. */
	u8 key_lens[4];
	/* Accepted ICV lengths in bits; the first is the default. */
	u16 icv_bits[3];
	/* The crypto API's IV generator template wrapping this algorithm. */
	const char *geniv;
	/*
	 * No protection at all (ecb(cipher_null), digest_null): refused
	 * unless rvti was loaded with bench_null_cipher=1. The key (netlink
	 * wants one) is ignored, and the ICV is empty.
	 */
	bool bench_only;
	/* Tell a wrong key or ICV length what was expected (extack). */
	void (*key_err)(struct netlink_ext_ack *extack, const struct nlattr *nla);
	void (*icv_err)(struct netlink_ext_ack *extack, const struct nlattr *nla);
};

const struct rvti_alg *rvti_alg_find(enum rvti_alg_kind kind, const char *name);
int rvti_alg_check_key(const struct rvti_alg *alg, unsigned int key_len,
		       const struct nlattr *nla, struct netlink_ext_ack *extack);
int rvti_alg_check_icv(const struct rvti_alg *alg, u32 icv_bits,
		       const struct nlattr *nla, struct netlink_ext_ack *extack);
/* How many bytes of a key of @key_len go to the crypto API. */
static inline unsigned int rvti_alg_key_len(const struct rvti_alg *alg,
					    unsigned int key_len)
{
	return alg->bench_only ? 0 : key_len;
}

int rvti_alg_tfm_name(char *buf, size_t len, const struct rvti_alg *aead,
		      const struct rvti_alg *enc, const struct rvti_alg *auth,
		      bool esn);

#endif /* _RVTI_ALG_H */
