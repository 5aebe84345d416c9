// SPDX-License-Identifier: GPL-2.0
/* Reading the classifier's per-CPU counters, from our map or a pinned one. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ifname.h"
#include "lib/log.h"
#include "xdp_prog.h"

#define STAT_FIELD(f) { #f, offsetof(struct aoe_xdp_stats, f) }

const struct xdp_stat_field xdp_stat_fields[] = {
	STAT_FIELD(aoe_responses),
	STAT_FIELD(redirected),
	STAT_FIELD(pass_no_socket),
	STAT_FIELD(multibuf_responses),
	STAT_FIELD(pass_kernel_tag),
	STAT_FIELD(pass_other_mac),
	STAT_FIELD(aoe_requests_passed),
	STAT_FIELD(non_aoe_passed),
	STAT_FIELD(malformed_dropped),
	STAT_FIELD(pass_vlan),
	STAT_FIELD(error_responses),
	STAT_FIELD(cmd_ata),
	STAT_FIELD(cmd_config),
	STAT_FIELD(cmd_mac_mask),
	STAT_FIELD(cmd_reserve),
	STAT_FIELD(cmd_vendor),
	STAT_FIELD(cmd_unknown),
	{ NULL, 0 },
};

_Static_assert(sizeof(xdp_stat_fields) / sizeof(xdp_stat_fields[0]) == AOE_XDP_STATS_NFIELDS + 1,
	       "xdp_stat_fields needs one row per struct aoe_xdp_stats field");

static int sum_percpu(int map_fd, struct aoe_xdp_stats *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	struct aoe_xdp_stats *percpu;
	__u32 key = 0;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(map_fd, &key, percpu)) {
		err = -errno;
		pr_err("cannot read the XDP counters: %s\n", strerror(-err));
		goto out;
	}
	for (int cpu = 0; cpu < ncpus; cpu++)
		for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++)
			*(__u64 *)((char *)sum + f->offset) += xdp_stat_get(&percpu[cpu], f);
out:
	free(percpu);
	return err;
}

int xdp_prog_stats(const struct xdp_prog *p, struct aoe_xdp_stats *sum)
{
	if (p->stats_fd < 0)
		return -EBADF;
	return sum_percpu(p->stats_fd, sum);
}

/* A pinned map from another aoe-xdp build would be read wrongly: refuse. */
static int check_stats_map(int fd, const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY ||
	    info.value_size != sizeof(struct aoe_xdp_stats)) {
		pr_err("%s is not this aoe-xdp's stats map (value size %u, expected %zu); "
		       "was it made by another aoe-xdp version?\n", path, info.value_size,
		       sizeof(struct aoe_xdp_stats));
		return -EPROTO;
	}
	return 0;
}

int xdp_stats_read_pinned(const char *ifname, struct aoe_xdp_stats *sum)
{
	char path[PATH_MAX];
	int fd, err;

	err = ifname_check(ifname);
	if (!err)
		err = ifname_pin_dir(path, sizeof(path), ifname);
	if (err)
		return err;
	if (strlen(path) + sizeof("/" AOE_XDP_STATS_MAP) > sizeof(path))
		return -ENAMETOOLONG;
	strcat(path, "/" AOE_XDP_STATS_MAP);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (fd == -ENOENT)
			pr_err("no aoe-xdp counters for %s (%s does not exist); is aoe-xdp attached "
			       "to %s in this mount namespace?\n", ifname, path, ifname);
		else
			pr_err("cannot open %s: %s\n", path, strerror(-fd));
		return fd;
	}
	err = check_stats_map(fd, path);
	if (!err)
		err = sum_percpu(fd, sum);
	close(fd);
	return err;
}
