// SPDX-License-Identifier: GPL-2.0
/*
 * Init of the inner guest that QEMU migrates (see qemu-migrate.c).
 *
 * Runs as PID 1 in a KVM guest started by QEMU inside the test guest.  It
 * fills a block of memory with a pattern derived from each page's number
 * and generation, then keeps rewriting random pages from one thread per
 * CPU, each with a new generation, until a line "verify" arrives on the
 * console.  It then stops the writers and checks every page against the
 * generation table (which lives in guest memory too, so a page that a
 * migration lost shows up as a page whose contents and generation
 * disagree), checks that the virtio-rng device still answers through its
 * MSI-X interrupts (on arm64 they go through the vGIC ITS), prints its
 * verdict and powers off.
 *
 * Kernel command line: inner.mib=N (memory to write, default 64),
 * inner.threads=N (default: one per online CPU).
 * Console lines the controller waits for all start with "inner: ".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../console.h"

#define MAX_THREADS	16

static uint8_t *mem;
static uint32_t *gens;
static unsigned long npages, pagesz;
static unsigned int nthreads;
static volatile bool stop;
static unsigned long writes[MAX_THREADS];

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void fail(const char *what)
{
	out("inner: verdict FAIL: %s\n", what);
	power_off();
}

/* The value of word i of page p at generation gen. */
static uint64_t pattern(unsigned long p, uint32_t gen, unsigned long i)
{
	return ((uint64_t)p << 32 | gen) ^ (i * 0x9e3779b97f4a7c15ULL);
}

static void fill(unsigned long p)
{
	uint64_t *w = (uint64_t *)(mem + p * pagesz);
	uint32_t gen = gens[p];
	unsigned long i;

	for (i = 0; i < pagesz / 8; i++)
		w[i] = pattern(p, gen, i);
}

static bool page_ok(unsigned long p)
{
	uint64_t *w = (uint64_t *)(mem + p * pagesz);
	uint32_t gen = gens[p];
	unsigned long i;

	for (i = 0; i < pagesz / 8; i++)
		if (w[i] != pattern(p, gen, i))
			return false;
	return true;
}

/* Writer t owns the pages p with p % nthreads == t: no two write one. */
static void *writer(void *arg)
{
	unsigned long t = (unsigned long)arg;
	uint64_t x = 0x2545f4914f6cdd1dULL * (t + 1);
	unsigned long p;

	while (!stop) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p = x % npages;
		p -= p % nthreads;
		p += t;
		if (p >= npages)
			continue;
		gens[p]++;
		fill(p);
		writes[t]++;
	}
	return NULL;
}

static unsigned long cmdline_value(const char *key, unsigned long def)
{
	char buf[1024], *s;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return def;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return def;
	buf[n] = 0;
	s = strstr(buf, key);
	if (!s || s[strlen(key)] != '=')
		return def;
	return strtoul(s + strlen(key) + 1, NULL, 0);
}

/*
 * The device's interrupts, summed over CPUs, and the interrupt controller
 * that delivers them ("ITS-MSI" on arm64, "PCI-MSI" on x86).
 */
static unsigned long virtio_irqs(char *chip, size_t len)
{
	static char buf[65536];
	unsigned long sum = 0;
	char *line, *save, *tok, *s;
	ssize_t n;
	int fd;

	fd = open("/proc/interrupts", O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, "virtio"))
			continue;
		s = strstr(line, "MSI");
		if (s && chip[0] == 0) {
			while (s > line && s[-1] != ' ')
				s--;
			snprintf(chip, len, "%.*s", (int)strcspn(s, " "), s);
		}
		tok = strchr(line, ':');
		if (!tok)
			continue;
		for (tok++; *tok == ' ' || (*tok >= '0' && *tok <= '9');) {
			sum += strtoul(tok, &s, 10);
			if (s == tok)
				break;
			tok = s;
		}
	}
	return sum;
}

/*
 * 1 KiB from the virtio-rng device: it answers, or we hang here.  The
 * driver buffers at most a cache line, so this takes several requests,
 * each completed by an interrupt.
 */
static bool device_answers(unsigned long *irqs, char *chip, size_t len)
{
	unsigned char b[1024];
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open("/dev/hwrng", O_RDONLY);
	if (fd < 0) {
		out("inner: /dev/hwrng: %s\n", strerror(errno));
		return false;
	}
	while (got < sizeof(b)) {
		n = read(fd, b + got, sizeof(b) - got);
		if (n <= 0) {
			out("inner: reading /dev/hwrng: %s\n",
			    n < 0 ? strerror(errno) : "end of file");
			close(fd);
			return false;
		}
		got += n;
	}
	close(fd);
	*irqs = virtio_irqs(chip, len);
	return true;
}

int main(void)
{
	unsigned long irqs0, irqs1, p, bad = 0, total = 0, mib;
	char chip[32] = "", line[64];
	pthread_t th[MAX_THREADS];
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned int t;
	ssize_t n;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);

	mib = cmdline_value("inner.mib", 64);
	nthreads = cmdline_value("inner.threads", sysconf(_SC_NPROCESSORS_ONLN));
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 1;
	pagesz = sysconf(_SC_PAGESIZE);
	npages = (mib << 20) / pagesz;

	if (!device_answers(&irqs0, chip, sizeof(chip)))
		fail("the virtio-rng device does not answer");
	if (!chip[0] || !irqs0)
		fail("the virtio-rng device has no MSI interrupt");
	out("inner: device answers: virtio-rng, %lu interrupts through %s\n",
	    irqs0, chip);

	gens = calloc(npages, sizeof(*gens));
	mem = mmap(NULL, npages * pagesz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (!gens || mem == MAP_FAILED)
		fail("cannot allocate the memory to write");
	for (p = 0; p < npages; p++)
		fill(p);
	for (t = 0; t < nthreads; t++)
		if (pthread_create(&th[t], NULL, writer, (void *)(unsigned long)t))
			fail("cannot start a writer thread");
	out("inner: writing %lu MiB (%lu pages of %lu bytes) from %u threads\n",
	    mib, npages, pagesz, nthreads);

	/* Until the controller asks, on the console, for the verdict. */
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			fail("poll on the console");
		n = read(STDIN_FILENO, line, sizeof(line) - 1);
		if (n <= 0)
			continue;
		line[n] = 0;
		if (strstr(line, "verify"))
			break;
	}
	stop = true;
	for (t = 0; t < nthreads; t++) {
		pthread_join(th[t], NULL);
		total += writes[t];
	}
	for (p = 0; p < npages; p++) {
		if (page_ok(p))
			continue;
		if (bad++ < 8)
			out("inner: page %lu (gen %u) does not hold its pattern\n",
			    p, gens[p]);
	}
	out("inner: verified %lu pages after %lu page writes: %lu bad\n",
	    npages, total, bad);
	if (bad)
		fail("pages lost");
	if (!device_answers(&irqs1, chip, sizeof(chip)))
		fail("the virtio-rng device does not answer after the migration");
	if (irqs1 <= irqs0)
		fail("no new virtio-rng interrupt after the migration");
	out("inner: device answers: %lu interrupts through %s\n", irqs1, chip);
	out("inner: verdict PASS\n");
	power_off();
	return 0;
}
