/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command tables and dispatch for rvti.
 *
 * A command table is an array of struct rvti_command ending with an entry whose
 * name is NULL. An entry either runs a handler (a leaf, e.g. "set") or
 * descends into a table of subcommands (e.g. "tunnel"). The word "help" is
 * understood in every table. To add a command group, write its table in its
 * own file and add one line to the top-level table in rvti.c.
 *
 * Handlers get the arguments after their own name, parse them all before
 * touching the kernel, and return an exit status:
 *   RVTI_EXIT_OK     success, or help was printed
 *   RVTI_EXIT_ERROR  the kernel or the system said no (message printed)
 *   RVTI_EXIT_USAGE  bad command line (message and Usage: line printed)
 */
#ifndef RVTI_CMD_H
#define RVTI_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "nl.h"

enum {
	RVTI_EXIT_OK = 0,
	RVTI_EXIT_ERROR = 1,
	RVTI_EXIT_USAGE = 2,
};

struct rvti_ctx;

struct rvti_command {
	const char *name;
	/* Leaf: run with the arguments that follow name. */
	int (*fn)(struct rvti_ctx *ctx, int argc, char **argv);
	/* Leaf: synopsis of the arguments, one line ("" for none). */
	const char *help;
	/* Or: the table of subcommands. */
	const struct rvti_command *sub;
	/* Optional lines explaining the synopsis, shown by "help". */
	const char *notes;
};

#define RVTI_MAX_DEPTH 4

struct rvti_ctx {
	/* Global options. */
	bool json;
	bool pretty;
	bool stats;
	/* Streams for results and help, and for errors. */
	FILE *out;
	FILE *err;
	/* Opened on first use by rvti_nl(). */
	struct nl_ctx *nl;
	/* Where dispatch is: the entries of the command words so far. */
	const struct rvti_command *cmd[RVTI_MAX_DEPTH];
	unsigned int depth;
	const struct rvti_command *top;	/* the top-level table */
};

void rvti_ctx_init(struct rvti_ctx *ctx, const struct rvti_command *top);
void rvti_ctx_fini(struct rvti_ctx *ctx);

/* Run the command of @argv (its first word is looked up in @tbl). */
int rvti_run(struct rvti_ctx *ctx, const struct rvti_command *tbl, int argc,
	     char **argv);

/*
 * For handlers: print "rvti: MESSAGE" and the Usage: line of the current
 * command to ctx->err, and return RVTI_EXIT_USAGE.
 */
int rvti_usage_error(struct rvti_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the full help of the current command to ctx->out; RVTI_EXIT_OK. */
int rvti_help(struct rvti_ctx *ctx);

/*
 * The netlink socket with the rvti family resolved, opened on first call.
 * Prints why and returns NULL when that fails.
 */
struct nl_ctx *rvti_nl(struct rvti_ctx *ctx);

/*
 * For handlers, when their command-line parser returned @ret, not 0: print
 * the help (PARSE_HELP), the usage error @err (-EINVAL) or the error @err
 * (any other errno, not a usage error), and return the exit status.
 */
int rvti_parse_failed(struct rvti_ctx *ctx, int ret, const char *err);

/*
 * Start a request for @cmd (see nl_req()) in the send buffer of rvti_nl(),
 * NL_SEND_BUF_SIZE bytes; NULL, with why printed, when there is no socket.
 */
struct nlmsghdr *rvti_req(struct rvti_ctx *ctx, uint8_t cmd, uint16_t flags);

/*
 * Send @nlh, started by rvti_req(), unless building it failed with @ret,
 * and wait for the kernel's ack; print any error. Returns the exit status.
 */
int rvti_talk(struct rvti_ctx *ctx, struct nlmsghdr *nlh, int ret);

#endif /* RVTI_CMD_H */
