/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_NETLINK_H
#define _RVTI_NETLINK_H

int rvti_genl_init(void);
void rvti_genl_uninit(void);

#endif /* _RVTI_NETLINK_H */
