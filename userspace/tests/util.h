/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tests: running a command line through a command
 * table with its output captured.
 */
#ifndef RVTI_TEST_UTIL_H
#define RVTI_TEST_UTIL_H

#include <stddef.h>

#include "cmd.h"

struct run_result {
	int ret;		/* exit status the handler returned */
	char *out;		/* what went to stdout */
	char *err;		/* what went to stderr */
	size_t out_len;
	size_t err_len;
	struct rvti_ctx ctx;	/* after the run; ctx.nl is closed */
	bool opened_nl;		/* whether a netlink context was used */
};

/*
 * Split @line at spaces into @argv (at most @max - 1 words, NULL-terminated)
 * using @store for the words. Returns the number of words.
 */
int split_line(const char *line, char *store, size_t size, char **argv,
	       int max);

/*
 * Run @line like main() would with @top as its table: leading "-j", "-p"
 * and "-s" set the global options. When @nl is not NULL the command uses
 * it instead of opening a socket; it is freed by the run.
 */
void run_cmdline(const struct rvti_command *top, const char *line,
		 struct nl_ctx *nl, struct run_result *r);
void run_free(struct run_result *r);

/*
 * As run_cmdline(), but hand back the netlink context the command used
 * (NULL if none) instead of closing it, to look at its buffers; the caller
 * closes it with nl_close().
 */
struct nl_ctx *run_cmdline_keep(const struct rvti_command *top,
				const char *line, struct nl_ctx *nl,
				struct run_result *r);

#endif /* RVTI_TEST_UTIL_H */
