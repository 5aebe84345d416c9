// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-target: setup, the event loop and signals. See target.h for the map.
 *
 * The loop: end a pause that is due, release held answers that are due
 * (not while paused), read up to RX_BUDGET frames from the RX ring and
 * answer them (or queue them, while paused), flush answers with sendmmsg,
 * then sleep in ppoll() until the ring, a signal, the next held answer or
 * the end of a pause needs us.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "proto/ata_identify.h"
#include "target.h"

#define RX_BUDGET		256	/* frames per loop turn before we flush */
#define NS_PER_SEC		1000000000ull

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* IDENTIFY's flush bits: --no-flush, or only FLUSH CACHE for a target
 * that aborts FLUSH CACHE EXT. */
static unsigned int identify_flags(const struct target *t)
{
	if (t->opt.ident.no_flush)
		return ATA_ID_BUILD_NO_FLUSH | ATA_ID_BUILD_NO_FLUSH_EXT;
	if (quirk_on(t, QUIRK_FLUSH_EXT_ABORT))
		return ATA_ID_BUILD_NO_FLUSH_EXT;
	return 0;
}

static int open_devices(struct target *t)
{
	const struct tgt_options *o = &t->opt;
	const struct tgt_identity *id = &o->ident;

	for (unsigned int i = 0; i < o->ndevs; i++) {
		const struct tgt_dev_spec *spec = &o->devs[i];
		struct tgt_dev *dev = &t->devs[i];
		char err[512], serial[ATA_ID_SERIAL_LEN + 1];

		dev->shelf = spec->shelf;
		dev->slot = spec->slot;
		if (backing_open(&dev->store, spec->backing, o->read_only, err, sizeof(err))) {
			pr_err("e%u.%u: %s\n", dev->shelf, dev->slot, err);
			return -EINVAL;
		}
		t->ndevs++;
		dev->sectors = dev->store.bytes / ATA_SECTOR_SIZE;
		snprintf(serial, sizeof(serial), "e%u.%u", dev->shelf, dev->slot);
		ata_identity_build_flags(dev->identify, dev->sectors,
					 id->model ? id->model : TGT_ID_MODEL,
					 id->serial ? id->serial : serial,
					 id->firmware ? id->firmware : TGT_ID_FIRMWARE,
					 identify_flags(t));
		if (o->config) {
			dev->config_len = (uint16_t)strlen(o->config);
			memcpy(dev->config, o->config, dev->config_len);
		}
		memcpy(dev->masks, o->mac_allow.mac, sizeof(dev->masks));
		dev->nmasks = o->mac_allow.n;
	}
	return 0;
}

/* Sectors per command: what one frame carries at this MTU, unless told. */
static int choose_scnt(struct target *t)
{
	unsigned int fit = t->io.mtu > AOE_ATA_HDR_LEN ?
			   (t->io.mtu - AOE_ATA_HDR_LEN) / ATA_SECTOR_SIZE : 0;

	if (!fit) {
		pr_err("MTU %u of %s is too small for one sector per frame: raise it (ip link set dev %s mtu 1500)\n",
		       t->io.mtu, t->opt.ifname, t->opt.ifname);
		return -EINVAL;
	}
	if (fit > TGT_SCNT_MAX)
		fit = TGT_SCNT_MAX;
	if (t->opt.sectors > fit) {
		pr_err("--sectors %u does not fit the %u-byte MTU of %s (at most %u): raise the MTU or lower --sectors\n",
		       t->opt.sectors, t->io.mtu, t->opt.ifname, fit);
		return -EINVAL;
	}
	t->scnt = t->opt.sectors ? t->opt.sectors : fit;
	return 0;
}

static int open_signalfd(struct target *t)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	/* Read, not obeyed: SIGTSTP starts a pause; the process keeps running.
	 * (SIGSTOP cannot be caught, and still stops it for real.) */
	sigaddset(&set, SIGTSTP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	t->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return t->sigfd < 0 ? -errno : 0;
}

static void print_pid(FILE *out, const void *arg)
{
	(void)arg;
	fprintf(out, "%d\n", (int)getpid());
}

static void init_faults(struct target *t)
{
	struct fault_cfg cfg = t->opt.faults;

	if (!cfg.seed_set)
		cfg.seed = monotonic_ns() ^ ((uint64_t)getpid() << 32);
	faults_init(&t->faults, &cfg);
	if (faults_enabled(&cfg) || cfg.stall_after_set)
		pr_info("fault injection on, --seed %llu%s\n", (unsigned long long)cfg.seed,
			cfg.fault_all ? ", all commands" : ", ATA commands only");
}

static void log_ready(const struct target *t)
{
	for (unsigned int i = 0; i < t->ndevs; i++)
		pr_info("e%u.%u: %llu sectors from %s%s\n", t->devs[i].shelf, t->devs[i].slot,
			(unsigned long long)t->devs[i].sectors, t->opt.devs[i].backing,
			t->opt.read_only ? " (read-only)" : "");
	pr_info("serving on %s (MTU %u): %u sectors per command, bufcnt %u\n",
		t->opt.ifname, t->io.mtu, t->scnt, t->opt.bufcnt);
	/* What a test that stops us for real must expect. The ring is the
	 * receive queue: frames go into its slots or are dropped, and
	 * SO_RCVBUF (never set here) does not bound it. */
	pr_info("RX ring of %u frames: while stopped (SIGSTOP), up to that many requests wait in it, to run in order on SIGCONT\n",
		t->io.rx.nframes);
	for (unsigned int q = 0; q < TGT_NQUIRKS; q++)
		if (quirk_on(t, q))
			pr_info("quirk %s\n", quirk_name(q));
}

static int target_setup(struct target *t)
{
	const char *what = "";
	int err;

	t->sigfd = -1;
	t->io.fd = -1;
	err = open_devices(t);
	if (err)
		return err;
	err = pkt_io_open(&t->io, t->opt.ifname, (enum pkt_mode)t->opt.io_mode, &what);
	if (err) {
		pr_err("interface '%s': cannot %s: %s\n", t->opt.ifname, what,
		       strerror(-err));
		return err;
	}
	err = choose_scnt(t);
	if (err)
		return err;
	init_faults(t);
	pause_init(t);
	t->scratch = malloc(t->io.frame_cap);
	t->dup_copy = malloc(t->io.frame_cap);
	if (!t->scratch || !t->dup_copy) {
		pr_err("out of memory\n");
		return -ENOMEM;
	}
	err = open_signalfd(t);
	if (err) {
		pr_err("cannot set up signal handling: %s\n", strerror(-err));
		return err;
	}
	if (t->opt.pidfile) {
		err = tgt_write_file_atomic(t->opt.pidfile, print_pid, NULL);
		if (err) {
			pr_err("cannot write pid file '%s': %s\n",
			       t->opt.pidfile, strerror(-err));
			return err;
		}
		t->pidfile_written = true;
	}
	log_ready(t);
	t->now_ns = monotonic_ns();
	tgt_announce(t);
	return 0;
}

static void write_stats(struct target *t)
{
	int err;

	t->stats.ignored_rx_ring_full += pkt_rx_ring_drops(&t->io);
	if (!t->opt.stats_file)
		return;
	err = tgt_stats_write(&t->stats, t->opt.stats_file);
	if (err)
		pr_err("cannot write stats file '%s': %s\n",
		       t->opt.stats_file, strerror(-err));
}

static void handle_signals(struct target *t)
{
	struct signalfd_siginfo si;

	while (read(t->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGUSR1:
			pr_info("SIGUSR1: answering again\n");
			fault_resume(&t->faults);
			pause_end(t, "SIGUSR1");
			break;
		case SIGTSTP:
			pause_begin(t, "SIGTSTP");
			break;
		case SIGUSR2:
			write_stats(t);
			break;
		default:
			t->quit = true;
			break;
		}
	}
}

/* Our rate counts the time we had work: a pause between requests of
 * TGT_IDLE_NS or more (between benchmark runs) is not part of it. */
#define TGT_IDLE_NS	(NS_PER_SEC / 10)

static void note_busy(struct target *t)
{
	if (t->last_rx_ns && t->now_ns - t->last_rx_ns < TGT_IDLE_NS)
		t->busy_ns += t->now_ns - t->last_rx_ns;
	t->last_rx_ns = t->now_ns;
}

/* Answers up to RX_BUDGET frames; true when the ring may hold more. */
static bool process_rx(struct target *t)
{
	struct pkt_rx rx;

	for (unsigned int n = 0; n < RX_BUDGET; n++) {
		/* With a backlog, new answers would only pile up behind it. */
		if (t->backlog.count || !pkt_rx_peek(&t->io, &rx))
			return false;
		if (rx.truncated)
			t->stats.ignored_invalid++;
		else if (rx.pkttype == PACKET_OTHERHOST || rx.pkttype == PACKET_OUTGOING)
			t->stats.ignored_other_host++;
		else if (!pause_intake(t, rx.data, rx.len))
			tgt_handle_frame(t, rx.data, rx.len);
		note_busy(t);
		pkt_rx_release(&t->io);
	}
	return true;
}

static void poll_timeout(const struct target *t, bool busy, struct timespec *ts,
			 struct timespec **tsp)
{
	/* Paused, held answers wait for the resume, however due they are. */
	uint64_t due = t->pause.active ? t->pause.resume_ns : resp_next_due(t), wait;

	*tsp = ts;
	if (busy) {
		*ts = (struct timespec){ 0 };
		return;
	}
	if (due == UINT64_MAX) {
		*tsp = NULL;
		return;
	}
	wait = due > t->now_ns ? due - t->now_ns : 0;
	ts->tv_sec = (time_t)(wait / NS_PER_SEC);
	ts->tv_nsec = (long)(wait % NS_PER_SEC);
}

static int run_loop(struct target *t)
{
	struct pollfd fds[2] = {
		{ .fd = t->io.fd },
		{ .fd = t->sigfd, .events = POLLIN },
	};

	while (!t->quit) {
		struct timespec ts, *tsp;
		bool more, tx_blocked;

		t->now_ns = monotonic_ns();
		pause_tick(t);
		if (!t->pause.active)
			resp_release_due(t);
		more = process_rx(t);
		tx_blocked = resp_flush(t) == -EAGAIN;
		poll_timeout(t, more && !tx_blocked, &ts, &tsp);
		/* Blocked on TX: wait for room, not for more requests. */
		fds[0].events = tx_blocked ? POLLOUT : POLLIN;
		if (ppoll(fds, 2, tsp, NULL) < 0 && errno != EINTR) {
			int err = -errno;

			pr_err("ppoll failed: %s\n", strerror(-err));
			return err;
		}
		if ((fds[0].revents & POLLERR) && !pkt_io_still_there(&t->io, t->opt.ifname)) {
			pr_err("interface '%s' is gone\n", t->opt.ifname);
			return -ENODEV;
		}
		if (fds[1].revents & POLLIN)
			handle_signals(t);
	}
	return 0;
}

static void target_teardown(struct target *t)
{
	resp_free_held(t);
	pause_free(t);
	pkt_io_close(&t->io);
	for (unsigned int i = 0; i < t->ndevs; i++)
		backing_close(&t->devs[i].store);
	if (t->sigfd >= 0)
		close(t->sigfd);
	if (t->pidfile_written)
		unlink(t->opt.pidfile);
	free(t->scratch);
	free(t->dup_copy);
}

/* What this target did, for benchmarks: answers a second while busy. */
static void log_rate(const struct target *t)
{
	double secs = (double)t->busy_ns / NS_PER_SEC;

	pr_info("exiting: %llu answers sent (%s), %.0f a second over the %.1f s with "
		"requests coming; %llu times the kernel left answers on the TX ring "
		"for a later kick\n", (unsigned long long)t->stats.answers_sent,
		t->io.xsk ? "AF_XDP" : "AF_PACKET",
		secs > 0 ? (double)t->stats.answers_sent / secs : 0.0, secs,
		(unsigned long long)t->io.tx_deferred);
}

int main(int argc, char **argv)
{
	struct target *t = calloc(1, sizeof(*t));
	int err;

	log_set_prog(TGT_NAME);
	if (!t) {
		pr_err("out of memory\n");
		return 1;
	}
	err = tgt_options_parse(&t->opt, argc, argv);
	if (err) {
		free(t);
		return err == 1 ? 0 : 2;
	}
	log_set_level(t->opt.log_level);
	err = target_setup(t);
	if (!err) {
		err = run_loop(t);
		resp_flush(t);
		write_stats(t);
		log_rate(t);
	}
	target_teardown(t);
	free(t);
	return err ? 1 : 0;
}
