/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_RECEIVE_H
#define _RVTI_RECEIVE_H

int rvti_receive_init(void);
void rvti_receive_uninit(void);

#endif /* _RVTI_RECEIVE_H */
