// SPDX-License-Identifier: GPL-2.0
/*
 * rvti_kunit: the KUnit suites of rvti, as a module that is loaded after
 * rvti.ko in the test kernel. Each suite lives beside the unit it tests.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "kunit.h"

kunit_test_suites(&rvti_addr_test_suite, &rvti_replay_test_suite,
		  &rvti_alg_test_suite, &rvti_esp_test_suite,
		  &rvti_nl_test_suite, &rvti_prefix_test_suite,
		  &rvti_lft_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for rvti");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
