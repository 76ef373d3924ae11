// SPDX-License-Identifier: GPL-2.0
/*
 * Guest init for the dirty-ring harness.
 *
 * Runs as PID 1 in a QEMU guest: mounts the pseudo file systems, runs the
 * test plan in /plan (see tests/plan/README) and reports each test as KTAP
 * on the console, with its wall time.  A test that outlives its timeout is
 * killed and reported as failed.  At the end the kernel log lines of
 * warning level or worse are printed again, and the guest powers off.
 *
 * Plan lines: "NAME EXPECT TIMEOUT COMMAND [ARGS...] [# REASON]", where
 * COMMAND is relative to /kvm; or "@write PATH VALUE" to set a sysctl or
 * sysfs knob before the tests.  EXPECT is only read by the host.
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

static void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(STDOUT_FILENO, buf, n) < 0)
		return;
}

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

static void parse_plan(const char *path)
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
		char *hash = strstr(line, " #");
		char *tok[MAX_ARGS + 3];
		char *s, *tsave;
		int n = 0;

		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '#' || *line == '\0')
			continue;
		if (hash)
			*hash = '\0';
		for (s = strtok_r(line, " \t", &tsave); s && n < MAX_ARGS + 3;
		     s = strtok_r(NULL, " \t", &tsave))
			tok[n++] = s;
		if (!n)
			continue;

		if (!strcmp(tok[0], "@write") && n == 3) {
			write_knob(tok[1], tok[2]);
			continue;
		}
		if (n < 4 || nr_tests == MAX_TESTS) {
			out("# init: bad plan line starting '%s'\n", tok[0]);
			continue;
		}
		tests[nr_tests].name = tok[0];
		tests[nr_tests].timeout = atoi(tok[2]);
		if (tests[nr_tests].timeout <= 0)
			tests[nr_tests].timeout = 60;
		for (int i = 3; i < n; i++)
			tests[nr_tests].argv[i - 3] = tok[i];
		tests[nr_tests].argv[n - 3] = NULL;
		nr_tests++;
	}
}

/*
 * Copy the child's output to the console line by line, each line as a KTAP
 * diagnostic.  Sets *skipped if the test said it skipped itself: 6.1's
 * dirty_log_test says so and exits 0, which must not count as a pass.
 */
static ssize_t relay(int fd, char *pending, size_t *plen, bool *skipped,
		     bool flush)
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
		if (strstr(pending, "skipping test"))
			*skipped = true;
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
	bool skipped = false, timed_out = false;
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
				if (relay(pipefd[0], pending, &plen, &skipped,
					  false) <= 0)
					break;
			} else if (pfd.revents & (POLLHUP | POLLERR)) {
				break;
			}
		}
	}
	relay(pipefd[0], pending, &plen, &skipped, true);
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
	if (WEXITSTATUS(status) == KSFT_SKIP ||
	    (WEXITSTATUS(status) == 0 && skipped)) {
		out("ok %d %s # SKIP test skipped itself (exit %d)\n", nr,
		    t->name, WEXITSTATUS(status));
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
	parse_plan("/plan");
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
