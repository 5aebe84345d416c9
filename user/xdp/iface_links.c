// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iface_links.h"

#define NL_BUF_SIZE	32768
#define LINKS_MIN_CAP	16

/* One RTM_NEWLINK message into l; false when it is not a whole one. */
static bool parse_link(const struct nlmsghdr *nh, struct iface_link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	bool other_netns = false;

	if (len < 0)
		return false;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case IFLA_IFNAME:
			strncpy(l->name, RTA_DATA(a), IF_NAMESIZE - 1);
			break;
		case IFLA_LINK:
			if (RTA_PAYLOAD(a) >= sizeof(int))
				memcpy(&l->lower, RTA_DATA(a), sizeof(int));
			break;
		case IFLA_LINK_NETNSID:
			other_netns = true;	/* its IFLA_LINK is not one of ours */
			break;
		case IFLA_LINKINFO: {
			int ilen = (int)RTA_PAYLOAD(a);

			for (const struct rtattr *i = RTA_DATA(a); RTA_OK(i, ilen);
			     i = RTA_NEXT(i, ilen))
				if (i->rta_type == IFLA_INFO_KIND && RTA_PAYLOAD(i) >= 5 &&
				    !strncmp(RTA_DATA(i), "vlan", 5))
					l->vlan = true;
			break;
		}
		}
	}
	/* A veth's IFLA_LINK names its peer: only a VLAN's names its parent. */
	if (!l->vlan || other_netns || l->lower == l->ifindex)
		l->lower = 0;
	return true;
}

static int links_add(struct iface_link **links, size_t *n, size_t *cap,
		     const struct iface_link *l)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : LINKS_MIN_CAP;
		struct iface_link *p = realloc(*links, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*links = p;
		*cap = ncap;
	}
	(*links)[(*n)++] = *l;
	return 0;
}

static int dump_request(int fd)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.ifi = { .ifi_family = AF_UNSPEC },
	};

	return send(fd, &req, req.nh.nlmsg_len, 0) < 0 ? -errno : 0;
}

/* Reads the dump's messages into links until NLMSG_DONE. */
static int dump_read(int fd, char *buf, struct iface_link **links, size_t *n)
{
	size_t cap = 0;

	for (;;) {
		ssize_t got = recv(fd, buf, NL_BUF_SIZE, 0);
		unsigned int len;	/* NLMSG_OK compares it with a __u32 */

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		len = (unsigned int)got;
		for (const struct nlmsghdr *nh = (void *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			struct iface_link l;
			int err;

			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				return e->error ? e->error : -EPROTO;
			}
			if (nh->nlmsg_type != RTM_NEWLINK || !parse_link(nh, &l))
				continue;
			err = links_add(links, n, &cap, &l);
			if (err)
				return err;
		}
	}
}

int iface_links_read(struct iface_link **links, size_t *n)
{
	char *buf = malloc(NL_BUF_SIZE);
	int fd, err;

	*links = NULL;
	*n = 0;
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	err = dump_request(fd);
	if (!err)
		err = dump_read(fd, buf, links, n);
	close(fd);
	free(buf);
	if (err) {
		free(*links);
		*links = NULL;
		*n = 0;
	}
	return err;
}

static const struct iface_link *link_find(const struct iface_link *links, size_t n, int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (links[i].ifindex == ifindex)
			return &links[i];
	return NULL;
}

bool iface_vlan_of(const struct iface_link *links, size_t n, int ifindex, int ancestor)
{
	const struct iface_link *l = link_find(links, n, ifindex);

	/* At most n steps: a loop in a corrupt dump cannot hang us. */
	for (size_t depth = 0; l && l->lower && depth < n; depth++) {
		if (l->lower == ancestor)
			return true;
		l = link_find(links, n, l->lower);
	}
	return false;
}

size_t iface_vlan_relatives(const struct iface_link *links, size_t n, int ifindex, int *out,
			    size_t max)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		const struct iface_link *l = &links[i];

		if (l->ifindex == ifindex)
			continue;
		if (!iface_vlan_of(links, n, l->ifindex, ifindex) &&
		    !iface_vlan_of(links, n, ifindex, l->ifindex))
			continue;
		if (found < max)
			out[found] = l->ifindex;
		found++;
	}
	return found;
}
