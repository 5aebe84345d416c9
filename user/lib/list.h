/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal intrusive doubly linked list (circular, with a head node). */
#ifndef AOE_LIST_H
#define AOE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void list_init(struct list_node *h)
{
	h->next = h->prev = h;
}

static inline bool list_empty(const struct list_node *h)
{
	return h->next == h;
}

static inline void list_add_tail(struct list_node *h, struct list_node *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

/* n goes right after h (at the front when h is the head). */
static inline void list_add_head(struct list_node *h, struct list_node *n)
{
	list_add_tail(h->next, n);
}

static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define list_first_entry(h, type, member) container_of((h)->next, type, member)

static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

/* Every entry of type `type` on h, through its `member` node. */
#define list_for_each_entry(e, h, type, member) \
	for ((e) = container_of((h)->next, type, member); &(e)->member != (h); \
	     (e) = container_of((e)->member.next, type, member))

/* Safe against removal of the current node. */
#define list_for_each_safe(pos, tmp, h) \
	for (pos = (h)->next, tmp = pos->next; pos != (h); pos = tmp, tmp = pos->next)

#endif /* AOE_LIST_H */
