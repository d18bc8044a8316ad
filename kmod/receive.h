/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_RECEIVE_H
#define _RVTI_RECEIVE_H

int rvti_receive_init(void);
void rvti_receive_uninit(void);

#if IS_ENABLED(CONFIG_KUNIT)
struct rvti_sa;
struct sk_buff;
int rvti_rx_strip_trailer(struct rvti_sa *sa, struct sk_buff *skb);
#endif

#endif /* _RVTI_RECEIVE_H */
