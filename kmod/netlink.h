/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_NETLINK_H
#define _RVTI_NETLINK_H

#include <net/genetlink.h>

/* The index of the events group in the family's multicast groups. */
#define RVTI_MCGRP_EVENTS_ID 0

extern struct genl_family rvti_genl_family;

int rvti_genl_init(void);
void rvti_genl_uninit(void);

#if IS_ENABLED(CONFIG_KUNIT)
struct sk_buff;
struct genl_info;
int rvti_sa_doit(struct sk_buff *skb, struct genl_info *info);
#endif

#endif /* _RVTI_NETLINK_H */
