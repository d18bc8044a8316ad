/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny unit test harness. Each test case is a function; main.c runs each
 * one in a child process (so that a crash or a hang fails only that case)
 * and prints one TAP line per case:
 *
 *	ok - NAME
 *	not ok - NAME
 *	ok - NAME # SKIP reason
 *
 * CHECK*() record a failure, print where to stderr and carry on.
 */
#ifndef RVTI_TEST_H
#define RVTI_TEST_H

#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_CASE(fn) { #fn, fn }

extern int test_failures;
extern const char *test_skip_reason;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "# %s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #cond);		\
			test_failures++;				\
		}							\
	} while (0)

#define CHECK_INT(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_) {						\
			fprintf(stderr,					\
				"# %s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, a_, #b, b_);	\
			test_failures++;				\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (!a_ || !b_ || strcmp(a_, b_)) {			\
			fprintf(stderr,					\
				"# %s:%d: %s is \"%s\", expected \"%s\"\n", \
				__FILE__, __LINE__, #a, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");			\
			test_failures++;				\
		}							\
	} while (0)

#define CHECK_MEM(a, b, n)						\
	do {								\
		if (memcmp((a), (b), (n))) {				\
			fprintf(stderr, "# %s:%d: %s differs from %s\n", \
				__FILE__, __LINE__, #a, #b);		\
			test_failures++;				\
		}							\
	} while (0)

/* Substring check, for messages. */
#define CHECK_CONTAINS(hay, needle)					\
	do {								\
		const char *h_ = (hay), *n_ = (needle);			\
		if (!h_ || !strstr(h_, n_)) {				\
			fprintf(stderr,					\
				"# %s:%d: \"%s\" does not contain \"%s\"\n", \
				__FILE__, __LINE__, h_ ? h_ : "(null)", n_); \
			test_failures++;				\
		}							\
	} while (0)

/* Skip the rest of the case (only when the host cannot run it). */
#define TEST_SKIP(reason)						\
	do {								\
		test_skip_reason = (reason);				\
		return;							\
	} while (0)

/* The suites, each ending with { NULL, NULL }. */
extern const struct test_case parse_tests[];
extern const struct test_case tunnel_tests[];
extern const struct test_case sa_tests[];
extern const struct test_case nl_tests[];
extern const struct test_case cmd_tests[];
extern const struct test_case fake_tests[];
extern const struct test_case prefix_tests[];
extern const struct test_case km_tests[];

#endif /* RVTI_TEST_H */
