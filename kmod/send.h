/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_SEND_H
#define _RVTI_SEND_H

#include <linux/netdevice.h>

netdev_tx_t rvti_xmit(struct sk_buff *skb, struct net_device *dev);

#endif /* _RVTI_SEND_H */
