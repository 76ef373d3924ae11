// SPDX-License-Identifier: GPL-2.0
/*
 * Guest init for the dirty-ring harness.
 *
 * Runs as PID 1 in a QEMU guest: mounts the pseudo file systems, runs the
 * test plan in /plan.tsv (scripts/plan.sh) and reports each test as KTAP
 * on the console, with its wall time.  A test that outlives its timeout is
 * killed and reported as failed.  At the end the kernel log lines of
 * warning level or worse are printed again, and the guest powers off.
 * Commands are relative to /kvm.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console.h"

#define MAX_TESTS	256
#define MAX_ARGS	64
#define KSFT_SKIP	4

struct test {
	char *name;
	int timeout;
	char *argv[MAX_ARGS + 1];
};

static struct test tests[MAX_TESTS];
static int nr_tests;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void do_mount(const char *src, const char *dst, const char *type,
		     const char *opts)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, opts) && errno != EBUSY)
		out("# init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static void write_knob(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		out("# init: cannot write '%s' to %s: %s\n", value, path,
		    strerror(errno));
	else
		out("# init: %s = %s\n", path, value);
	if (fd >= 0)
		close(fd);
}

/*
 * The plan as scripts/plan.sh wrote it, one tab-separated line each:
 * "write PATH VALUE" or "test NAME EXPECT TIMEOUT REASON ARG0 ARG1...".
 * The host checked its syntax; EXPECT and REASON are for the host only.
 */
static void read_plan(const char *path)
{
	static char text[65536];
	char *line, *save;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		out("# init: no plan at %s: %s\n", path, strerror(errno));
		return;
	}
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len < 0)
		return;
	text[len] = '\0';

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[MAX_ARGS + 5];
		int n = 0;

		while (n < MAX_ARGS + 5 && (f[n] = strsep(&line, "\t")))
			n++;
		if (!strcmp(f[0], "write") && n == 3) {
			write_knob(f[1], f[2]);
			continue;
		}
		if (strcmp(f[0], "test") || n < 6 || nr_tests == MAX_TESTS) {
			out("# init: bad plan line starting '%s'\n", f[0]);
			continue;
		}
		tests[nr_tests].name = f[1];
		tests[nr_tests].timeout = atoi(f[3]);
		for (int i = 5; i < n; i++)
			tests[nr_tests].argv[i - 5] = f[i];
		tests[nr_tests].argv[n - 5] = NULL;
		nr_tests++;
	}
}

/*
 * Copy the child's output to the console line by line, each line as a KTAP
 * diagnostic.
 */
static ssize_t relay(int fd, char *pending, size_t *plen, bool flush)
{
	char buf[4096];
	ssize_t n = flush ? 0 : read(fd, buf, sizeof(buf));
	size_t i;

	for (i = 0; n > 0 && i < (size_t)n; i++) {
		if (buf[i] != '\n' && *plen < 4095) {
			pending[(*plen)++] = buf[i];
			continue;
		}
		pending[*plen] = '\0';
		out("# %s\n", pending);
		*plen = 0;
	}
	if (flush && *plen) {
		pending[*plen] = '\0';
		out("# %s\n", pending);
		*plen = 0;
	}
	return n;
}

/* fd[0]: the master side, read by init; fd[1]: the test's stdout. */
static int open_pty(int fd[2])
{
	struct termios tio;
	char *name;

	fd[0] = posix_openpt(O_RDWR | O_NOCTTY);
	if (fd[0] < 0)
		return -1;
	if (grantpt(fd[0]) || unlockpt(fd[0]) || !(name = ptsname(fd[0])))
		goto fail;
	fd[1] = open(name, O_RDWR | O_NOCTTY);
	if (fd[1] < 0)
		goto fail;
	if (!tcgetattr(fd[1], &tio)) {
		cfmakeraw(&tio);
		tcsetattr(fd[1], TCSANOW, &tio);
	}
	return 0;
fail:
	close(fd[0]);
	return -1;
}

static int run_test(int nr, struct test *t)
{
	char pending[4096], path[512];
	bool timed_out = false;
	size_t plen = 0;
	double start, elapsed;
	int pipefd[2], status = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "/kvm/%s", t->argv[0]);
	out("# running: %s (timeout %d s): %s", t->name, t->timeout, path);
	for (int i = 1; t->argv[i]; i++)
		out(" %s", t->argv[i]);
	out("\n");

	/*
	 * A pseudo terminal rather than a pipe, so that the test's stdio is
	 * line buffered and its output is on the console even when it hangs
	 * and gets killed.
	 */
	if (open_pty(pipefd)) {
		out("not ok %d %s # pty: %s\n", nr, t->name, strerror(errno));
		return 1;
	}
	start = now();
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		if (chdir("/kvm"))
			_exit(127);
		execv(path, t->argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		out("not ok %d %s # fork: %s\n", nr, t->name, strerror(errno));
		return 1;
	}

	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		int left = (int)((start + t->timeout - now()) * 1000);

		if (left <= 0) {
			timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, left > 1000 ? 1000 : left) > 0) {
			/* A pty master reads EIO once the test has exited. */
			if (pfd.revents & POLLIN) {
				if (relay(pipefd[0], pending, &plen, false) <= 0)
					break;
			} else if (pfd.revents & (POLLHUP | POLLERR)) {
				break;
			}
		}
	}
	relay(pipefd[0], pending, &plen, true);
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	/* Reap anything the test left behind in its process group. */
	kill(-pid, SIGKILL);
	elapsed = now() - start;

	out("# %s: wall time %.1f s\n", t->name, elapsed);
	if (timed_out) {
		out("not ok %d %s # TIMEOUT after %d s\n", nr, t->name,
		    t->timeout);
		return 1;
	}
	if (WIFSIGNALED(status)) {
		out("not ok %d %s # killed by signal %d\n", nr, t->name,
		    WTERMSIG(status));
		return 1;
	}
	if (WEXITSTATUS(status) == KSFT_SKIP) {
		out("ok %d %s # SKIP test skipped itself (exit %d)\n", nr,
		    t->name, KSFT_SKIP);
		return 0;
	}
	if (WEXITSTATUS(status)) {
		out("not ok %d %s # exit status %d\n", nr, t->name,
		    WEXITSTATUS(status));
		return 1;
	}
	out("ok %d %s\n", nr, t->name);
	return 0;
}

/*
 * On a kernel with kmemleak (the debug variant), scan for leaks once the
 * tests are done and print what it found: each leak starts with
 * "unreferenced object", which the host counts as a splat.  Objects
 * younger than 5 s are not reported yet, hence the wait before the scan.
 */
static void kmemleak_report(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char buf[4096], line[4096];
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	/*
	 * The first scan only records the objects' checksums and grays the
	 * ones that changed since they were allocated; a leak shows up in the
	 * second scan.
	 */
	sleep(6);
	for (int i = 0; i < 2; i++)
		if (write(fd, "scan", 4) < 0)
			out("# init: kmemleak scan: %s\n", strerror(errno));
	close(fd);

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	out("# init: kmemleak scan done\n");
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n' && len < sizeof(line) - 1) {
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			out("# kmemleak: %s\n", line);
			len = 0;
		}
	}
	close(fd);
}

/* Print the kernel log lines of level warning (4) or worse once more. */
static void dump_kmsg(void)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	int lines = 0;
	ssize_t n;

	if (fd < 0)
		return;
	out("# init: kernel log, warnings and worse:\n");
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		char *msg;
		int prio;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		prio = atoi(rec) & 7;
		msg = strchr(rec, ';');
		if (prio <= 4 && msg) {
			out("# kmsg: %s", msg + 1);
			lines++;
		}
	}
	close(fd);
	out("# init: kernel log: %d line%s of level warning or worse\n",
	    lines, lines == 1 ? "" : "s");
}

int main(void)
{
	int failed = 0;

	do_mount("proc", "/proc", "proc", NULL);
	do_mount("sysfs", "/sys", "sysfs", NULL);
	do_mount("devtmpfs", "/dev", "devtmpfs", NULL);
	do_mount("tmpfs", "/tmp", "tmpfs", NULL);
	do_mount("tmpfs", "/dev/shm", "tmpfs", NULL);
	do_mount("devpts", "/dev/pts", "devpts", "ptmxmode=0666");
	do_mount("hugetlbfs", "/dev/hugepages", "hugetlbfs", NULL);
	/* Only on kernels with CONFIG_DEBUG_FS, e.g. for kmemleak */
	if (!access("/sys/kernel/debug", F_OK))
		do_mount("debugfs", "/sys/kernel/debug", "debugfs", NULL);

	out("KTAP version 1\n");
	read_plan("/plan.tsv");
	out("1..%d\n", nr_tests);
	out("# init: /dev/kvm %s\n",
	    access("/dev/kvm", R_OK | W_OK) ? "missing" : "present");
	for (int i = 0; i < nr_tests; i++)
		failed += run_test(i + 1, &tests[i]);
	kmemleak_report();
	dump_kmsg();
	out("# init: done, %d of %d failed\n", failed, nr_tests);

	sync();
	reboot(RB_POWER_OFF);
	/* Not reached unless power-off failed: panic=-1 then reboots. */
	return failed ? 1 : 0;
}
