// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for cmd.c: dispatch through command tables, abbreviations,
 * help and usage errors; and the tunnel commands' command-line errors,
 * which must be reported before the kernel is asked anything.
 */
#include <stdlib.h>

#include "cmd.h"
#include "sa.h"
#include "test.h"
#include "tunnel.h"
#include "util.h"

static int called;		/* which handler ran */
static int called_argc;
static char **called_argv;

static int fn_alpha(struct rvti_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	called = 1;
	called_argc = argc;
	called_argv = argv;
	return 0;
}

static int fn_one(struct rvti_ctx *ctx, int argc, char **argv)
{
	called = 2;
	called_argc = argc;
	called_argv = argv;
	if (argc && !strcmp(argv[0], "bad"))
		return rvti_usage_error(ctx, "bad argument %d", 5);
	if (argc && !strcmp(argv[0], "help"))
		return rvti_help(ctx);
	return 0;
}

static int fn_two(struct rvti_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	called = 3;
	return 0;
}

static const struct rvti_command beta_cmds[] = {
	{ .name = "one", .fn = fn_one, .help = "[X]",
	  .notes = "X := a thing" },
	{ .name = "two", .fn = fn_two, .help = "" },
	{ 0 }
};

static const struct rvti_command top_cmds[] = {
	{ .name = "alpha", .fn = fn_alpha, .help = "ARGS" },
	{ .name = "beta", .sub = beta_cmds },
	{ .name = "tunnel", .sub = tunnel_cmds },
	{ .name = "show", .fn = tunnel_do_show, .help = TUNNEL_SHOW_HELP },
	{ 0 }
};

static void run(const char *line, struct run_result *r)
{
	called = 0;
	called_argc = -1;
	called_argv = NULL;
	run_cmdline(top_cmds, line, NULL, r);
}

static void dispatch_exact_and_abbrev(void)
{
	struct run_result r;

	run("alpha x y", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 1);
	CHECK_INT(called_argc, 2);
	CHECK(called_argv && !strcmp(called_argv[0], "x") &&
	      !strcmp(called_argv[1], "y") && !called_argv[2]);
	CHECK_INT(r.ctx.depth, 1);
	CHECK_STR(r.ctx.cmd[0]->name, "alpha");
	run_free(&r);

	run("a", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 1);
	CHECK_INT(called_argc, 0);
	CHECK_STR(r.ctx.cmd[0]->name, "alpha");	/* the full name */
	run_free(&r);

	run("b o z", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 2);
	CHECK_INT(called_argc, 1);
	CHECK_INT(r.ctx.depth, 2);
	CHECK_STR(r.ctx.cmd[0]->name, "beta");
	CHECK_STR(r.ctx.cmd[1]->name, "one");
	run_free(&r);

	run("beta tw", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 3);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, "");
	run_free(&r);
}

static void dispatch_errors(void)
{
	struct run_result r;

	/* a word of no vocabulary is not repeated: it could be a key */
	run("zzz", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_INT(called, 0);
	CHECK_STR(r.err, "rvti: unknown command (not shown: it could be a key)\n"
		  "Usage: rvti [OPTIONS] { alpha | beta | tunnel | show | help } ...\n");
	CHECK_STR(r.out, "");
	run_free(&r);

	run("", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_CONTAINS(r.err, "rvti: missing command\nUsage: rvti [OPTIONS]");
	run_free(&r);

	run("beta", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: missing subcommand\n"
		  "Usage: rvti beta { one | two | help } ...\n");
	run_free(&r);

	run("beta three", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: unknown command after \"rvti beta\" (not shown: it could be a key)\n"
		  "Usage: rvti beta { one | two | help } ...\n");
	run_free(&r);

	/* a word of the tool's vocabulary is */
	run("beta sa", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_CONTAINS(r.err, "rvti: unknown command \"sa\"\n");
	run_free(&r);

	run("help beta one zzz", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: unexpected argument after \"rvti beta one\" (not shown: it could be a key)\n"
		  "Usage: rvti beta one [X]\n");
	CHECK_STR(r.out, "");
	run_free(&r);

	run("help beta one dev", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_CONTAINS(r.err, "rvti: unexpected argument \"dev\"\n");
	run_free(&r);

	/* "s" is both "set" and "show": a prefix of our words is repeated */
	run("tunnel s", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_CONTAINS(r.err, "ambiguous command \"s\"");
	CHECK_INT(called, 0);
	run_free(&r);

	/* a handler's own usage error names its full path */
	run("b one bad", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: bad argument 5\nUsage: rvti beta one [X]\n");
	run_free(&r);
}

static void help_top(void)
{
	struct run_result r;

	run("help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 0);
	CHECK_CONTAINS(r.out, "Usage: rvti [OPTIONS] COMMAND [ARGUMENTS]\n");
	CHECK_CONTAINS(r.out, "  rvti alpha ARGS\n"
		       "  rvti beta one [X]\n"
		       "  rvti beta two\n"
		       "  rvti tunnel set dev NAME [local ADDR|any] [remote ADDR|any] "
		       "[ttl 1-255|inherit] [df copy|set|clear] "
		       "[site LABEL|none] [transit on|off] [encap-port PORT|none]\n"
		       "  rvti tunnel show [dev NAME]\n"
		       "  rvti show [dev NAME]\n"
		       "  rvti help\n"
		       "  rvti COMMAND help\n");
	CHECK_CONTAINS(r.out, "  X := a thing\n");
	CHECK_CONTAINS(r.out, "  ADDR := ");
	CHECK_CONTAINS(r.out, "--json");
	CHECK_CONTAINS(r.out, "--pretty");
	CHECK_CONTAINS(r.out, "--stats");
	CHECK_STR(r.err, "");
	run_free(&r);

	run("h", &r);
	CHECK_INT(r.ret, 0);
	CHECK_CONTAINS(r.out, "Usage: rvti [OPTIONS] COMMAND");
	run_free(&r);
}

static void help_group_and_leaf(void)
{
	struct run_result r;

	run("beta help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 0);
	CHECK_STR(r.out, "Usage: rvti beta one [X]\n"
		  "       rvti beta two\n"
		  "       rvti beta help\n"
		  "\n"
		  "X := a thing\n");
	run_free(&r);

	/* "help COMMAND..." is "COMMAND... help" */
	run("help beta", &r);
	CHECK_INT(r.ret, 0);
	CHECK_CONTAINS(r.out, "Usage: rvti beta one [X]\n");
	run_free(&r);

	run("help beta two", &r);
	CHECK_INT(r.ret, 0);
	CHECK_INT(called, 0);
	CHECK_STR(r.out, "Usage: rvti beta two\n");
	run_free(&r);

	/* a leaf's own "help" */
	run("beta one help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "Usage: rvti beta one [X]\n\nX := a thing\n");
	run_free(&r);

	run("help nope", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	run_free(&r);
}

static void tunnel_help(void)
{
	struct run_result r;

	run("tunnel help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_CONTAINS(r.out,
		       "Usage: rvti tunnel set dev NAME [local ADDR|any] [remote ADDR|any] "
		       "[ttl 1-255|inherit] [df copy|set|clear] "
		       "[site LABEL|none] [transit on|off] [encap-port PORT|none]\n"
		       "       rvti tunnel show [dev NAME]\n"
		       "       rvti tunnel help\n");
	CHECK_CONTAINS(r.out, "ADDR := ");
	CHECK_STR(r.err, "");
	run_free(&r);

	run("tunnel set help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_CONTAINS(r.out, "Usage: rvti tunnel set dev NAME");
	CHECK_CONTAINS(r.out, "\nttl: ");
	CHECK_CONTAINS(r.out, "\ndf: ");
	run_free(&r);

	run("show help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "Usage: rvti show [dev NAME]\n");
	run_free(&r);

	run("tunnel show help", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "Usage: rvti tunnel show [dev NAME]\n");
	run_free(&r);
}

/*
 * Run @line through @top and check that it is a usage error, reported
 * before any netlink (no socket is opened), with the Usage: line @usage.
 * The caller checks more of @r and frees it.
 */
static void check_usage_error(const struct rvti_command *top,
			      const char *line, const char *usage,
			      struct run_result *r)
{
	run_cmdline(top, line, NULL, r);
	if (r->ret != RVTI_EXIT_USAGE)
		fprintf(stderr, "# \"%s\" gave %d\n", line, r->ret);
	CHECK_INT(r->ret, RVTI_EXIT_USAGE);
	CHECK(!r->opened_nl);
	CHECK_CONTAINS(r->err, usage);
}

/* Usage errors come out before any netlink: no socket is opened. */
static void tunnel_usage_errors(void)
{
	static const char *const lines[] = {
		"tunnel set",
		"tunnel set dev rvti0",
		"tunnel set local 192.0.2.1",
		"tunnel set dev rvti0 local 192.0.2.1 remote 2001:db8::1",
		"tunnel set dev rvti0 local 192.0.2",
		"tunnel set dev rvti0 local",
		"tunnel set dev rvti0 frob 1",
		"tunnel set dev 0123456789abcdef local any",
		"tunnel set dev rvti0 ttl 0",
		"tunnel set dev rvti0 ttl 256",
		"tunnel set dev rvti0 ttl many",
		"tunnel set dev rvti0 ttl",
		"tunnel set dev rvti0 df maybe",
		"tunnel set dev rvti0 ttl 64 ttl 64",
		"tunnel set dev rvti0 df set df clear",
	};
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		check_usage_error(top_cmds, lines[i],
				  "\nUsage: rvti tunnel set dev NAME [local ADDR|any] [remote ADDR|any] "
				  "[ttl 1-255|inherit] [df copy|set|clear] "
				  "[site LABEL|none] [transit on|off] [encap-port PORT|none]\n",
				  &r);
		CHECK(r.err && !strncmp(r.err, "rvti: ", 6));
		CHECK_STR(r.out, "");
		run_free(&r);
	}

	run("show dev", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: missing argument after \"dev\"\n"
		  "Usage: rvti show [dev NAME]\n");
	run_free(&r);

	run("tunnel show bogus", &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: unknown keyword (argument 1, not shown: it could be a key): "
		  "a device goes after the keyword \"dev\" (dev NAME)\n"
		  "Usage: rvti tunnel show [dev NAME]\n");
	run_free(&r);
}

/* The real top-level table, as in rvti.c. */
static const struct rvti_command rvti_cmds[] = {
	{ .name = "tunnel", .sub = tunnel_cmds },
	{ .name = "sa", .sub = sa_cmds },
	{ .name = "show", .fn = tunnel_do_show, .help = TUNNEL_SHOW_HELP },
	{ 0 }
};

#define SA_ADD_USAGE \
	"rvti sa add dev NAME dir in|out spi SPI ALGORITHM [icv BITS] [esn] " \
	"[replay-window N] [seq N] [encap espinudp SPORT DPORT] [LIMIT N]..."

static void sa_help(void)
{
	struct run_result r;

	run_cmdline(rvti_cmds, "help", NULL, &r);
	CHECK_INT(r.ret, 0);
	CHECK_CONTAINS(r.out, "  rvti tunnel show [dev NAME]\n"
		       "  " SA_ADD_USAGE "\n"
		       "  rvti sa del dev NAME dir in|out spi SPI\n"
		       "  rvti sa set dev NAME dir in|out spi SPI encap espinudp SPORT DPORT\n"
		       "  rvti sa list [dev NAME]\n"
		       "  rvti sa get dev NAME dir in|out spi SPI\n"
		       "  rvti sa flush [dev NAME]\n"
		       "  rvti sa allocspi dev NAME [min MIN] [max MAX]\n"
		       "  rvti show [dev NAME]\n");
	CHECK_CONTAINS(r.out, "  ALGORITHM := { aead ALG key KEY | "
		       "enc ALG key KEY auth ALG key KEY }\n");
	CHECK_CONTAINS(r.out, "  KEY := { 0xHEX | @FILE }");
	run_free(&r);

	run_cmdline(rvti_cmds, "sa help", NULL, &r);
	CHECK_INT(r.ret, 0);
	CHECK(r.out && !strncmp(r.out, "Usage: " SA_ADD_USAGE "\n"
				"       rvti sa del dev NAME dir in|out spi SPI\n"
				"       rvti sa set dev NAME dir in|out spi SPI encap espinudp SPORT DPORT\n"
				"       rvti sa list [dev NAME]\n"
				"       rvti sa get dev NAME dir in|out spi SPI\n"
				"       rvti sa flush [dev NAME]\n"
				"       rvti sa allocspi dev NAME [min MIN] [max MAX]\n"
				"       rvti sa help\n"
				"\n"
				"ALGORITHM := ", 357));
	CHECK_CONTAINS(r.out, "\nSPI := ");
	CHECK_STR(r.err, "");
	CHECK(!r.opened_nl);
	run_free(&r);

	run_cmdline(rvti_cmds, "sa add help", NULL, &r);
	CHECK_INT(r.ret, 0);
	CHECK(r.out && !strncmp(r.out, "Usage: " SA_ADD_USAGE "\n\nALGORITHM",
				100));
	run_free(&r);

	/* "help" anywhere among the arguments */
	run_cmdline(rvti_cmds, "sa add dev rvti0 dir in help", NULL, &r);
	CHECK_INT(r.ret, 0);
	CHECK(r.out && !strncmp(r.out, "Usage: " SA_ADD_USAGE "\n", 90));
	CHECK(!r.opened_nl);
	run_free(&r);

	run_cmdline(rvti_cmds, "help sa del", NULL, &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "Usage: rvti sa del dev NAME dir in|out spi SPI\n");
	run_free(&r);

	run_cmdline(rvti_cmds, "sa list help", NULL, &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "Usage: rvti sa list [dev NAME]\n");
	run_free(&r);

	run_cmdline(rvti_cmds, "sa", NULL, &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: missing subcommand\n"
		  "Usage: rvti sa { add | del | set | list | get | flush | allocspi | help } ...\n");
	run_free(&r);
}

/* Usage errors of the sa commands come out before any netlink. */
static void sa_usage_errors(void)
{
	static const char *const add[] = {
		"sa add",
		"sa add dev rvti0 dir in spi 256",
		"sa add dev rvti0 dir in aead aes-gcm key 0x00",
		"sa add dev rvti0 spi 256 aead aes-gcm key 0x00",
		"sa add dir in spi 256 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir in spi 256 aead aes-gcm",
		"sa add dev rvti0 dir in spi 256 enc aes-cbc key 0x00",
		"sa add dev rvti0 dir in spi 256 aead aes-gcm key 0x00 auth sha1 key 0x00",
		"sa add dev rvti0 dir both spi 256 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir in spi 0 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir in spi 255 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir in spi 256 aead aes-gcm key 0x00 icv x",
		"sa add dev rvti0 dir in spi 256 aead aes-gcm key 0x00 esn esn",
		"sa add dev rvti0 dir in spi 256 aead aes-gcm key 0x0",
	};
	static const char *const del[] = {
		"sa del",
		"sa del dev rvti0 dir in",
		"sa del dev rvti0 dir in spi 256 spi 257",
		"sa del dev rvti0 dir x spi 256",
		"sa del dev rvti0 dir in spi 255",
	};
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
		check_usage_error(rvti_cmds, add[i],
				  "\nUsage: " SA_ADD_USAGE "\n", &r);
		CHECK(r.err && !strncmp(r.err, "rvti: ", 6));
		CHECK_STR(r.out, "");
		run_free(&r);
	}
	for (i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
		check_usage_error(rvti_cmds, del[i],
				  "\nUsage: rvti sa del dev NAME dir in|out spi SPI\n",
				  &r);
		run_free(&r);
	}

	run_cmdline(rvti_cmds, "sa list dev", NULL, &r);
	CHECK_INT(r.ret, RVTI_EXIT_USAGE);
	CHECK_STR(r.err, "rvti: missing argument after \"dev\"\n"
		  "Usage: rvti sa list [dev NAME]\n");
	CHECK(!r.opened_nl);
	run_free(&r);
}

/*
 * No message repeats a word that could be key material (see
 * parse_word_is_known()): key-like words in every place a command takes a
 * word are refused before any netlink, and neither they nor a piece of
 * them is printed.
 */
static void no_key_in_messages(void)
{
	static const char *const keys[] = {
		"0x00112233445566778899aabbccddeeff01020304",
		"00112233445566778899aabbccddeeff01020304",
		"0X5EC2E75EC2E75EC2E75EC2E75EC2E701",
		"ABEiM0RVZneImaq7zN3u/wECAwQ=",
		"c2VjcmV0LWtleS1tYXRlcmlhbA",
		"mysecretpassphrase!!",
	};
	/* %s is the key; every line is a usage error */
	static const char *const lines[] = {
		/* ip xfrm's positional forms */
		"sa add dev rvti0 dir out spi 0x1000 aead rfc4106(gcm(aes)) %s 128",
		"sa add dev rvti0 dir out spi 0x1000 enc cbc(aes) %s auth sha1 key 0x00",
		"sa add dev rvti0 dir out spi 0x1000 enc aes-cbc key 0x00 auth sha1 %s",
		"sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 %s",
		"sa add %s",
		"sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key %s icv x",
		"sa add dev rvti0 dir out spi 0x1000 aead %s key 0x00 esn esn",
		"sa add dev %s dir in spi 0x1000 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir %s spi 0x1000 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir in spi %s aead aes-gcm key 0x00",
		"sa add dev rvti0 dir in spi 0x1000 aead aes-gcm key 0x00 icv %s",
		"sa add dev rvti0 dir in spi 0x1000 aead aes-gcm key 0x00 replay-window %s",
		"sa del dev rvti0 dir in spi 0x1000 %s",
		"sa del %s",
		"sa del dev %s dir in spi 0x1000",
		"sa del dev rvti0 dir %s spi 0x1000",
		"sa del dev rvti0 dir in spi %s",
		"tunnel set dev rvti0 ttl 64 %s",
		"tunnel set %s",
		"tunnel set dev %s ttl 64",
		"tunnel set dev rvti0 local %s",
		"tunnel set dev rvti0 remote %s",
		"tunnel set dev rvti0 ttl %s",
		"tunnel set dev rvti0 df %s",
		"tunnel show %s",
		"tunnel show dev rvti0 %s",
		"tunnel show dev %s",
		"show %s",
		"show dev %s",
		"sa list %s",
		"sa list dev %s",
		"%s",
		"sa %s",
		"tunnel %s",
		"help sa add %s",
		"help %s",
		"-j -p sa add dev rvti0 %s",
	};
	struct run_result r;
	char line[256], piece[9];
	size_t i, k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		/* eight characters from the middle count as the key */
		snprintf(piece, sizeof(piece), "%s", keys[k] + 8);
		for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			int failures = test_failures;

			snprintf(line, sizeof(line), lines[i], keys[k]);
			run_cmdline(rvti_cmds, line, NULL, &r);
			CHECK_INT(r.ret, RVTI_EXIT_USAGE);
			CHECK(!r.opened_nl);
			CHECK(r.err && r.err[0]);
			CHECK(r.out && !strstr(r.out, keys[k]) &&
			      !strstr(r.out, piece));
			CHECK(r.err && !strstr(r.err, keys[k]) &&
			      !strstr(r.err, piece));
			if (test_failures != failures)
				fprintf(stderr, "# ... \"%s\": %s", line,
					r.err ? r.err : "");
			run_free(&r);
		}
	}

	/* the positional key gets a hint, still without the key */
	run_cmdline(rvti_cmds, "sa add dev x dir out spi 0x1000 aead "
		    "rfc4106(gcm(aes)) 0x00112233445566778899aabbccddeeff01020304 "
		    "128", NULL, &r);
	CHECK_STR(r.err, "rvti: unknown keyword after \"aead\" (argument 9, "
		  "not shown: it could be a key): the key goes after the "
		  "keyword \"key\" (key 0xHEX or key @FILE)\n"
		  "Usage: " SA_ADD_USAGE "\n");
	run_free(&r);
}

const struct test_case cmd_tests[] = {
	TEST_CASE(dispatch_exact_and_abbrev),
	TEST_CASE(dispatch_errors),
	TEST_CASE(help_top),
	TEST_CASE(help_group_and_leaf),
	TEST_CASE(tunnel_help),
	TEST_CASE(tunnel_usage_errors),
	TEST_CASE(sa_help),
	TEST_CASE(sa_usage_errors),
	TEST_CASE(no_key_in_messages),
	{ NULL, NULL }
};
