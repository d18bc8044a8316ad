/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_KUNIT_H
#define _RVTI_KUNIT_H

#include <kunit/test.h>

extern struct kunit_suite rvti_addr_test_suite;
extern struct kunit_suite rvti_replay_test_suite;
extern struct kunit_suite rvti_alg_test_suite;
extern struct kunit_suite rvti_esp_test_suite;
extern struct kunit_suite rvti_nl_test_suite;
extern struct kunit_suite rvti_prefix_test_suite;
extern struct kunit_suite rvti_lft_test_suite;

#endif /* _RVTI_KUNIT_H */
