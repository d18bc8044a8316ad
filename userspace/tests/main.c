// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every test case in its own child process and prints TAP lines; exits
 * non-zero when any case fails. An optional argument runs only the cases
 * whose name contains it.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

int test_failures;
const char *test_skip_reason;

#define TEST_TIMEOUT 20	/* seconds per case */

static const struct test_case *const suites[] = {
	parse_tests,
	tunnel_tests,
	sa_tests,
	nl_tests,
	cmd_tests,
	fake_tests,
	prefix_tests,
	km_tests,
};

#define EXIT_SKIP 77

/* In the child: run the case; a skip reason goes to @fd. */
static void run_child(const struct test_case *tc, int fd)
{
	alarm(TEST_TIMEOUT);
	tc->fn();
	if (!test_failures && test_skip_reason) {
		if (write(fd, test_skip_reason, strlen(test_skip_reason)) < 0)
			perror("write");
		exit(EXIT_SKIP);
	}
	/* exit(), not _exit(): leak checkers run at exit. */
	exit(test_failures ? 1 : 0);
}

/* Run one case in a child and print its TAP line; true if it passed. */
static int run_case(const struct test_case *tc)
{
	char reason[256];
	int status, fds[2];
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("pipe/fork");
		printf("not ok - %s # cannot fork\n", tc->name);
		return 0;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(tc, fds[1]);
	}
	close(fds[1]);
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		close(fds[0]);
		printf("not ok - %s # lost the child\n", tc->name);
		return 0;
	}
	n = read(fds[0], reason, sizeof(reason) - 1);
	close(fds[0]);
	reason[n > 0 ? n : 0] = '\0';

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok - %s\n", tc->name);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIP) {
		printf("ok - %s # SKIP %s\n", tc->name, reason);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		printf("not ok - %s\n", tc->name);
	else if (WIFEXITED(status))	/* e.g. LeakSanitizer's 23 */
		printf("not ok - %s # exit status %d\n", tc->name,
		       WEXITSTATUS(status));
	else
		printf("not ok - %s # killed by signal %d%s\n", tc->name,
		       WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct test_case *tc;
	unsigned int i, total = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		for (tc = suites[i]; tc->name; tc++)
			if (!filter || strstr(tc->name, filter))
				total++;
	printf("1..%u\n", total);

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		for (tc = suites[i]; tc->name; tc++) {
			if (filter && !strstr(tc->name, filter))
				continue;
			if (!run_case(tc))
				failed++;
		}
	}
	return failed ? 1 : 0;
}
