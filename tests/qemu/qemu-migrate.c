// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration of a KVM guest by QEMU itself, inside the test guest.
 *
 * Starts a source QEMU (with -accel kvm,dirty-ring-size=N, or without it
 * for the bitmap) running the inner guest (inner-init.c), which writes
 * memory at random; starts a destination QEMU with -incoming and -S;
 * migrates over a unix socket while the guest writes, driving both over
 * QMP; once both sides say "completed", compares the whole guest RAM of
 * both byte for byte (pmemsave); resumes the destination and asks the
 * inner guest for its own verdict (every page holds its pattern, the
 * virtio-rng device answers through its MSI-X interrupts).
 *
 * With the ring it also checks what only the ring gives QEMU: no fallback
 * warning, calc-dirty-rate in dirty-ring mode, a vCPU dirty limit; and it
 * counts QEMU's own kvm_dirty_ring_full and kvm_dirty_ring_reap trace
 * events.  -F requires ring-full exits (a small ring).  -C is the control
 * on a kernel without the ring: QEMU must warn and fall back to the bitmap.
 *
 * The last line is a table row, "qemu-migrate: mode=... key=value ...",
 * that the harness collects.  Exit status 0: pass, 1: fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__aarch64__)
#define QEMU		"/usr/bin/qemu-system-aarch64"
#define MACHINE		"virt,gic-version=3,its=on"
#define CPU		"host"
#define CONSOLE		"console=ttyAMA0"
#define RAM_BASE	0x40000000UL
#define LIBDIR		"/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu"
#elif defined(__x86_64__)
#define QEMU		"/usr/bin/qemu-system-x86_64"
#define MACHINE		"q35"
/*
 * The inner guest needs no SVM of its own.  With it, under the SVM that
 * QEMU TCG emulates for the test guest, an inner guest with 2 vCPUs hung
 * at "x86: Booting SMP configuration", and once the destination failed to
 * restore the nested state QEMU migrates ("Failed to set nested state:
 * Invalid argument").
 */
#define CPU		"host,-svm"
#define CONSOLE		"console=ttyS0 tsc=reliable"
#define RAM_BASE	0UL
#define LIBDIR		"/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu"
#else
#error "arm64 or x86_64 only"
#endif

#define DIR		"/tmp/qm"
#define MIG_SOCK	DIR "/migration.sock"
#define FALLBACK	"KVM dirty ring not available, using bitmap method"

struct vm {
	const char *name;
	pid_t pid;
	int in;			/* the serial console's input */
	int qmp;
	int status;		/* wait status, once exited */
	bool exited;
	char path[5][96];	/* console, stderr, trace, qmp socket, ram */
};
enum { CONSOLE_LOG, STDERR_LOG, TRACE_LOG, QMP_SOCK, RAM_DUMP };

static struct vm src = { .name = "source" }, dst = { .name = "destination" };
static const char *qemu = QEMU, *kernel = "/kvm/qemu/Image",
		  *initrd = "/kvm/qemu/inner.cpio", *label;
static unsigned long ring, guest_mib = 256, write_mib = 64, timeout = 300, cpus = 2;
static unsigned long downtime_limit;	/* ms; 0: QEMU's default */
static bool control, want_full;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static char *slurp(const char *path, size_t *len);

/* The last lines of a log: there is no shell or tail in the test guest. */
static void show_tail(const char *what, const char *path, int lines)
{
	size_t len;
	char *buf, *s;

	msg("--- %s: last %d lines of %s ---\n", what, lines, path);
	buf = slurp(path, &len);
	if (!buf) {
		msg("(cannot read it)\n");
		return;
	}
	s = buf + len;
	if (s > buf && s[-1] == '\n')
		s--;
	while (s > buf && lines) {
		s--;
		if (*s == '\n')
			lines--;
	}
	msg("%s%s", s == buf ? s : s + 1, len && buf[len - 1] != '\n' ? "\n" : "");
	free(buf);
}

static void stop_vm(struct vm *vm)
{
	if (vm->pid > 0 && !vm->exited) {
		kill(vm->pid, SIGKILL);
		waitpid(vm->pid, &vm->status, 0);
		vm->exited = true;
	}
}

/* A failure: what went wrong, then both QEMUs' last words. */
static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	struct vm *vms[] = { &src, &dst };
	va_list ap;
	int i;

	msg("qemu-migrate: FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	msg("\n");
	for (i = 0; i < 2; i++) {
		if (!vms[i]->pid)
			continue;
		stop_vm(vms[i]);
		show_tail(vms[i]->name, vms[i]->path[CONSOLE_LOG], 15);
		show_tail(vms[i]->name, vms[i]->path[STDERR_LOG], 15);
		/* The next test of the plan needs the memory. */
		unlink(vms[i]->path[RAM_DUMP]);
	}
	exit(1);
}

/* Give a QEMU that is done the time to exit, then kill it. */
static void wait_exit(struct vm *vm, double secs)
{
	double end = now() + secs;

	while (!vm->exited && now() < end) {
		if (waitpid(vm->pid, &vm->status, WNOHANG) == vm->pid)
			vm->exited = true;
		else
			usleep(100000);
	}
	if (!vm->exited)
		msg("qemu-migrate: the %s QEMU did not exit in %.0f s: killed\n",
		    vm->name, secs);
	stop_vm(vm);
}

/* Whether a QEMU is gone; a QEMU that aborts or exits is a failure. */
static void check_alive(struct vm *vm)
{
	if (vm->exited)
		return;
	if (waitpid(vm->pid, &vm->status, WNOHANG) != vm->pid)
		return;
	vm->exited = true;
	if (WIFSIGNALED(vm->status))
		die("the %s QEMU was killed by signal %d", vm->name,
		    WTERMSIG(vm->status));
	die("the %s QEMU exited with status %d", vm->name,
	    WEXITSTATUS(vm->status));
}

/* A whole file, or NULL (with errno) if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd >= 0 && !fstat(fd, &st)) {
		buf = malloc(st.st_size + 1);
		if (buf)
			n = read(fd, buf, st.st_size);
	}
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static char *must_slurp(const char *path)
{
	char *buf = slurp(path, NULL);

	if (!buf)
		die("cannot read %s: %s", path, strerror(errno));
	return buf;
}

static unsigned long count_lines(const char *path, const char *needle)
{
	char *buf = must_slurp(path), *s = buf;
	unsigned long n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	free(buf);
	return n;
}

/* Wait for a console line of the inner guest that starts with @what. */
static char *wait_console(struct vm *vm, const char *what, double secs)
{
	static char line[512];
	double end = now() + secs;
	char *buf, *s, *e;

	for (;;) {
		/* The guest may print the line and power off right away. */
		buf = must_slurp(vm->path[CONSOLE_LOG]);
		s = strstr(buf, what);
		if (s) {
			e = strchr(s, '\n');
			if (e) {
				snprintf(line, sizeof(line), "%.*s",
					 (int)(e - s), s);
				free(buf);
				return line;
			}
		}
		free(buf);
		check_alive(vm);
		if (now() > end)
			die("no \"%s\" on the %s console after %.0f s", what,
			    vm->name, secs);
		usleep(200000);
	}
}

static void print_inner_lines(struct vm *vm)
{
	char *buf = must_slurp(vm->path[CONSOLE_LOG]), *s, *e;

	for (s = buf; (s = strstr(s, "inner: ")); s = e) {
		e = strchr(s, '\n');
		if (!e)
			break;
		msg("%s: %.*s\n", vm->name, (int)(e - s), s);
	}
	free(buf);
}

static void start_vm(struct vm *vm, bool incoming)
{
	char mem[32], smp[16], accel[64], append[256], qmp[160];
	char *argv[64];
	int pipefd[2], out, err, argc = 0;

	snprintf(vm->path[CONSOLE_LOG], sizeof(vm->path[0]), DIR "/%s.console", vm->name);
	snprintf(vm->path[STDERR_LOG], sizeof(vm->path[0]), DIR "/%s.stderr", vm->name);
	snprintf(vm->path[TRACE_LOG], sizeof(vm->path[0]), DIR "/%s.trace", vm->name);
	snprintf(vm->path[QMP_SOCK], sizeof(vm->path[0]), DIR "/%s.qmp", vm->name);
	snprintf(vm->path[RAM_DUMP], sizeof(vm->path[0]), DIR "/%s.ram", vm->name);
	snprintf(mem, sizeof(mem), "%luM", guest_mib);
	snprintf(smp, sizeof(smp), "%lu", cpus);
	if (ring)
		snprintf(accel, sizeof(accel), "kvm,dirty-ring-size=%lu", ring);
	else
		snprintf(accel, sizeof(accel), "kvm");
	snprintf(append, sizeof(append), "%s panic=-1 inner.mib=%lu",
		 CONSOLE, write_mib);
	snprintf(qmp, sizeof(qmp), "unix:%s,server=on,wait=off",
		 vm->path[QMP_SOCK]);

	const char *args[] = {
		qemu, "-nodefaults", "-display", "none", "-no-reboot",
		"-M", MACHINE, "-accel", accel, "-cpu", CPU, "-smp", smp,
		"-m", mem, "-kernel", kernel, "-initrd", initrd,
		"-append", append, "-serial", "stdio",
		"-device", "virtio-rng-pci", "-qmp", qmp,
		/* QEMU's own account of its ring harvests */
		"-trace", "kvm_dirty_ring_full", "-trace", "kvm_dirty_ring_reap",
		"-D", vm->path[TRACE_LOG],
	};

	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		argv[argc++] = (char *)args[i];
	if (incoming) {
		argv[argc++] = "-incoming";
		argv[argc++] = "unix:" MIG_SOCK;
		argv[argc++] = "-S";
	}
	argv[argc] = NULL;

	if (pipe(pipefd))
		die("pipe: %s", strerror(errno));
	out = open(vm->path[CONSOLE_LOG], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	err = open(vm->path[STDERR_LOG], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || err < 0)
		die("cannot create the logs in " DIR);
	vm->pid = fork();
	if (vm->pid < 0)
		die("fork: %s", strerror(errno));
	if (vm->pid == 0) {
		dup2(pipefd[0], STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		setenv("LD_LIBRARY_PATH", LIBDIR, 1);
		execv(qemu, argv);
		fprintf(stderr, "cannot run %s: %s\n", qemu, strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	close(out);
	close(err);
	vm->in = pipefd[1];
}

/* The QMP socket closed: most likely QEMU died, say how. */
static void __attribute__((noreturn)) qmp_lost(struct vm *vm)
{
	double end = now() + 5;

	while (now() < end) {
		check_alive(vm);
		usleep(100000);
	}
	die("QMP connection to the %s QEMU lost", vm->name);
}

static void qmp_send(struct vm *vm, const char *cmd)
{
	size_t len = strlen(cmd);

	if (write(vm->qmp, cmd, len) != (ssize_t)len || write(vm->qmp, "\n", 1) != 1)
		qmp_lost(vm);
}

/* One QMP reply line (events are skipped), within 60 s. */
static char *qmp_reply(struct vm *vm)
{
	static char buf[1 << 16];
	static size_t len;
	struct pollfd pfd = { .fd = vm->qmp, .events = POLLIN };
	double end = now() + 60;
	char *nl, *line;
	ssize_t n;

	len = 0;
	for (;;) {
		while ((nl = memchr(buf, '\n', len))) {
			*nl = 0;
			line = strdup(buf);
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len);
			if (strstr(line, "\"event\""))
				free(line);
			else
				return line;
		}
		check_alive(vm);
		if (now() > end)
			die("no QMP reply from the %s QEMU in 60 s", vm->name);
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		n = read(vm->qmp, buf + len, sizeof(buf) - len - 1);
		if (n <= 0)
			qmp_lost(vm);
		len += n;
	}
}

/* A QMP command; its reply, or die if it failed and @must. */
static char *qmp(struct vm *vm, bool must, const char *fmt, ...)
{
	char cmd[512], *r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	qmp_send(vm, cmd);
	r = qmp_reply(vm);
	if (must && !strstr(r, "\"return\""))
		die("QMP %s on the %s QEMU: %s", cmd, vm->name, r);
	return r;
}

static void qmp_connect(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double end = now() + 60;
	char *r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", vm->path[QMP_SOCK]);
	for (;;) {
		check_alive(vm);
		vm->qmp = socket(AF_UNIX, SOCK_STREAM, 0);
		if (vm->qmp >= 0 && !connect(vm->qmp, (void *)&sa, sizeof(sa)))
			break;
		close(vm->qmp);
		if (now() > end)
			die("cannot connect to the %s QEMU's QMP socket", vm->name);
		usleep(100000);
	}
	r = qmp_reply(vm);		/* the greeting */
	if (!strstr(r, "\"QMP\""))
		die("unexpected QMP greeting from the %s QEMU: %s", vm->name, r);
	free(r);
	free(qmp(vm, true, "{\"execute\": \"qmp_capabilities\"}"));
}

/* The number after "key": in a QMP reply, or -1. */
static long long json_num(const char *r, const char *key)
{
	char k[64];
	const char *s;

	snprintf(k, sizeof(k), "\"%s\": ", key);
	s = strstr(r, k);
	return s ? strtoll(s + strlen(k), NULL, 10) : -1;
}

static const char *json_str(const char *r, const char *key)
{
	static char v[64];
	char k[64];
	const char *s;

	snprintf(k, sizeof(k), "\"%s\": \"", key);
	s = strstr(r, k);
	if (!s)
		return "";
	s += strlen(k);
	snprintf(v, sizeof(v), "%.*s", (int)strcspn(s, "\""), s);
	return v;
}

/* What the ring gives QEMU on arm64: dirty-rate in ring mode, dirty limit. */
static void ring_features(void)
{
	double end = now() + 60;
	char *r;

	r = qmp(&src, false, "{\"execute\": \"calc-dirty-rate\", \"arguments\": "
		"{\"calc-time\": 1, \"mode\": \"dirty-ring\"}}");
	if (!ring) {
		if (strstr(r, "\"return\""))
			die("calc-dirty-rate in dirty-ring mode works without the ring: %s", r);
		msg("qemu-migrate: without the ring QEMU refuses calc-dirty-rate in dirty-ring mode, as it should\n");
		free(r);
		r = qmp(&src, false, "{\"execute\": \"set-vcpu-dirty-limit\", "
			"\"arguments\": {\"dirty-rate\": 100}}");
		if (strstr(r, "\"return\""))
			die("set-vcpu-dirty-limit works without the ring: %s", r);
		free(r);
		return;
	}
	if (!strstr(r, "\"return\""))
		die("calc-dirty-rate in dirty-ring mode: %s", r);
	free(r);
	for (;;) {
		usleep(500000);
		r = qmp(&src, true, "{\"execute\": \"query-dirty-rate\"}");
		if (!strcmp(json_str(r, "status"), "measured"))
			break;
		free(r);
		if (now() > end)
			die("calc-dirty-rate did not finish in 60 s");
	}
	if (strcmp(json_str(r, "mode"), "dirty-ring"))
		die("query-dirty-rate says mode \"%s\": %s", json_str(r, "mode"), r);
	msg("qemu-migrate: calc-dirty-rate: mode dirty-ring, %lld MB/s\n",
	    json_num(r, "dirty-rate"));
	free(r);

	free(qmp(&src, true, "{\"execute\": \"set-vcpu-dirty-limit\", "
		 "\"arguments\": {\"dirty-rate\": 100}}"));
	r = qmp(&src, true, "{\"execute\": \"query-vcpu-dirty-limit\"}");
	if (json_num(r, "limit-rate") != 100)
		die("query-vcpu-dirty-limit after setting 100 MB/s: %s", r);
	msg("qemu-migrate: set-vcpu-dirty-limit: limit-rate 100 MB/s on the vCPUs\n");
	free(r);
	free(qmp(&src, true, "{\"execute\": \"cancel-vcpu-dirty-limit\"}"));
}

/* Both guest RAMs, byte for byte. */
static unsigned long compare_ram(void)
{
	size_t len = guest_mib << 20, i, pg = 4096;
	unsigned long bad = 0;
	uint8_t *a, *b;
	int fa, fb;

	free(qmp(&src, true, "{\"execute\": \"pmemsave\", \"arguments\": "
		 "{\"val\": %lu, \"size\": %zu, \"filename\": \"%s\"}}",
		 RAM_BASE, len, src.path[RAM_DUMP]));
	free(qmp(&dst, true, "{\"execute\": \"pmemsave\", \"arguments\": "
		 "{\"val\": %lu, \"size\": %zu, \"filename\": \"%s\"}}",
		 RAM_BASE, len, dst.path[RAM_DUMP]));
	fa = open(src.path[RAM_DUMP], O_RDONLY);
	fb = open(dst.path[RAM_DUMP], O_RDONLY);
	if (fa < 0 || fb < 0)
		die("cannot open the RAM dumps");
	a = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fa, 0);
	b = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fb, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		die("cannot map the RAM dumps (are they %zu bytes?)", len);
	for (i = 0; i < len; i += pg) {
		if (!memcmp(a + i, b + i, pg))
			continue;
		if (bad++ < 8)
			msg("qemu-migrate: guest page at 0x%lx differs\n",
			    RAM_BASE + i);
	}
	munmap(a, len);
	munmap(b, len);
	close(fa);
	close(fb);
	unlink(src.path[RAM_DUMP]);
	unlink(dst.path[RAM_DUMP]);
	return bad;
}

static void usage(void)
{
	printf("usage: qemu-migrate [-r ENTRIES] [-m MIB] [-w MIB] [-s CPUS] [-d MS] [-t SECONDS]\n"
	       "                    [-F] [-C] [-l LABEL]\n"
	       "  -r ENTRIES  dirty ring size per vCPU (0: the bitmap; default 0)\n"
	       "  -m MIB      inner guest memory (default 256)\n"
	       "  -w MIB      memory the inner guest writes at random (default 64)\n"
	       "  -s CPUS     inner guest vCPUs (default 2)\n"
	       "  -d MS       QEMU's downtime-limit (default: QEMU's own, 300 ms)\n"
	       "  -t SECONDS  time limit of the inner guest's boot, and of the migration\n"
	       "              (default 300)\n"
	       "  -F          the ring must fill up: require KVM_EXIT_DIRTY_RING_FULL\n"
	       "  -C          control on a kernel without the ring: QEMU must fall back\n"
	       "  -l LABEL    the mode's name in the table row\n");
	exit(2);
}

static unsigned long num(const char *opt, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-') {
		fprintf(stderr, "qemu-migrate: %s wants a number, not '%s'\n", opt, arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long full, reaps, full0, reaps0, bad, ring_used;
	long long total, downtime, setup, bytes, syncs;
	char *r, *reply, status[32] = "";
	char *fallback;
	double t0, end;
	int c;

	while ((c = getopt(argc, argv, "r:m:w:s:d:t:FCl:h")) != -1) {
		switch (c) {
		case 'r': ring = num("-r", optarg); break;
		case 'm': guest_mib = num("-m", optarg); break;
		case 'w': write_mib = num("-w", optarg); break;
		case 's': cpus = num("-s", optarg); break;
		case 'd': downtime_limit = num("-d", optarg); break;
		case 't': timeout = num("-t", optarg); break;
		case 'F': want_full = true; break;
		case 'C': control = true; break;
		case 'l': label = optarg; break;
		default: usage();
		}
	}
	if (!guest_mib || write_mib + 64 > guest_mib || !cpus || cpus > 16 ||
	    (want_full && !ring) ||
	    (control && !ring))
		usage();
	if (!label)
		label = ring ? "ring" : "bitmap";
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A QEMU that died must not take us with it: see qmp_lost(). */
	signal(SIGPIPE, SIG_IGN);
	if (access(qemu, X_OK) || access(kernel, R_OK) || access(initrd, R_OK))
		die("missing %s, %s or %s in the test guest", qemu, kernel, initrd);
	mkdir(DIR, 0755);
	unlink(MIG_SOCK);

	msg("qemu-migrate: %s: %lu MiB guest, %lu vCPUs, %lu MiB written at random, %s\n",
	    label, guest_mib, cpus, write_mib, ring ? "dirty ring" : "dirty bitmap");
	t0 = now();
	start_vm(&src, false);
	qmp_connect(&src);
	msg("qemu-migrate: %s\n",
	    wait_console(&src, "inner: device answers", timeout));
	msg("qemu-migrate: %s (%.0f s after the start)\n",
	    wait_console(&src, "inner: writing", timeout), now() - t0);

	/* Whether QEMU took the ring, in its own words. */
	r = must_slurp(src.path[STDERR_LOG]);
	fallback = strstr(r, FALLBACK);
	free(r);
	if (control && !fallback)
		die("QEMU did not say \"%s\" on a kernel without the ring", FALLBACK);
	if (!control && ring && fallback)
		die("QEMU fell back to the bitmap: \"%s\"", FALLBACK);
	if (control) {
		msg("qemu-migrate: QEMU says \"%s\"\n", FALLBACK);
		ring = 0;	/* what QEMU now uses */
	}
	ring_features();

	start_vm(&dst, true);
	qmp_connect(&dst);
	/* Count the ring events of the migration only, not of the checks above. */
	full0 = count_lines(src.path[TRACE_LOG], "kvm_dirty_ring_full ");
	reaps0 = count_lines(src.path[TRACE_LOG], "kvm_dirty_ring_reap ");
	if (downtime_limit)
		free(qmp(&src, true, "{\"execute\": \"migrate-set-parameters\", "
			 "\"arguments\": {\"downtime-limit\": %lu}}", downtime_limit));
	free(qmp(&src, true, "{\"execute\": \"migrate\", \"arguments\": "
		 "{\"uri\": \"unix:" MIG_SOCK "\"}}"));
	end = now() + timeout;
	for (;;) {
		reply = qmp(&src, true, "{\"execute\": \"query-migrate\"}");
		snprintf(status, sizeof(status), "%s", json_str(reply, "status"));
		if (!strcmp(status, "completed"))
			break;
		if (!strcmp(status, "failed") || !strcmp(status, "cancelled"))
			die("migration %s: %s", status, reply);
		check_alive(&dst);
		if (now() > end) {
			msg("qemu-migrate: last query-migrate: %s\n", reply);
			die("the migration did not complete in %lu s (status %s)",
			    timeout, status);
		}
		free(reply);
		usleep(250000);
	}
	total = json_num(reply, "total-time");
	downtime = json_num(reply, "downtime");
	setup = json_num(reply, "setup-time");
	bytes = json_num(reply, "transferred");
	syncs = json_num(reply, "dirty-sync-count");

	/* The destination has loaded everything once it says so too. */
	end = now() + 60;
	for (;;) {
		r = qmp(&dst, true, "{\"execute\": \"query-migrate\"}");
		snprintf(status, sizeof(status), "%s", json_str(r, "status"));
		free(r);
		if (!strcmp(status, "completed"))
			break;
		if (!strcmp(status, "failed"))
			die("the incoming migration failed on the destination");
		if (now() > end)
			die("the destination is still \"%s\" 60 s after the source completed",
			    status);
		usleep(200000);
	}
	bad = compare_ram();
	if (bad)
		die("%lu of %lu guest pages differ between source and destination",
		    bad, (guest_mib << 20) / 4096);
	msg("qemu-migrate: guest RAM identical on both sides (%lu MiB)\n",
	    guest_mib);

	free(qmp(&dst, true, "{\"execute\": \"cont\"}"));
	if (write(dst.in, "verify\n", 7) != 7)
		die("cannot write to the destination's console");
	r = wait_console(&dst, "inner: verdict", 300);
	print_inner_lines(&dst);
	if (!strstr(r, "PASS"))
		die("the inner guest's verdict: %s", r);

	full = count_lines(src.path[TRACE_LOG], "kvm_dirty_ring_full ") - full0;
	reaps = count_lines(src.path[TRACE_LOG], "kvm_dirty_ring_reap ") - reaps0;
	ring_used = full + reaps;
	if (ring && !ring_used)
		die("QEMU's trace shows no dirty ring reap on the source during the migration");
	if (want_full && !full)
		die("no KVM_EXIT_DIRTY_RING_FULL (QEMU's kvm_dirty_ring_full) on the source during the migration");
	if (!ring && ring_used)
		die("QEMU's trace shows dirty ring events without a ring");
	/* The source quits; the destination's guest has powered off. */
	qmp_send(&src, "{\"execute\": \"quit\"}");
	wait_exit(&src, 30);
	wait_exit(&dst, 30);

	msg("qemu-migrate: %s passed: during the migration %lu ring-full exits, %lu reaper passes\n",
	    label, full, reaps);
	msg("qemu-migrate: mode=%s ring=%lu guest_mib=%lu write_mib=%lu total_ms=%lld downtime_ms=%lld setup_ms=%lld bytes=%lld dirty_syncs=%lld ring_full=%lu reaps=%lu verdict=PASS\n",
	    label, ring, guest_mib, write_mib, total, downtime, setup, bytes,
	    syncs, full, reaps);
	free(reply);
	return 0;
}
