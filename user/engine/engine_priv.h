/* SPDX-License-Identifier: GPL-2.0 */
/* What the engine's files (engine, device, aoe_io, discover) share. */
#ifndef AOE_ENGINE_PRIV_H
#define AOE_ENGINE_PRIV_H

#include "engine.h"

/* device.c */
struct aoe_dev *dev_create(struct aoe_engine *e, uint16_t shelf, uint8_t slot);
void dev_destroy(struct aoe_dev *d);
struct aoe_target *dev_find_target(struct aoe_dev *d, const uint8_t mac[6]);
struct aoe_target *target_create(struct aoe_dev *d, const uint8_t mac[6], uint16_t bufcnt);
struct aoe_path *target_find_path(struct aoe_target *t, const struct aoe_iface *ifc,
				  bool has_vlan, uint16_t vlan);
int target_add_path(struct aoe_target *t, struct aoe_iface *ifc, bool has_vlan,
		    uint16_t vlan, struct aoe_path **out);
void target_set_bufcnt(struct aoe_target *t, uint16_t bufcnt);
void path_update_max_sect(struct aoe_path *p);
bool target_usable(const struct aoe_target *t);
/* The path the next frame goes out on, or NULL (no window anywhere). */
struct aoe_path *dev_pick_path(struct aoe_dev *d, bool need_window,
			       const struct aoe_target *avoid);
void dev_go_down(struct aoe_dev *d, const char *why);
void dev_forget_iface(struct aoe_dev *d, struct aoe_iface *ifc);

/* aoe_io.c */
int frame_table_init(struct frame_table *ft, uint32_t n);
void frame_table_fini(struct frame_table *ft);
void aoe_io_rx_ata(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v,
		   const struct rx_frame *fr);
void aoe_io_pump(struct aoe_dev *d);
/* Runs timeouts, probes; returns the next deadline (ns). */
uint64_t aoe_io_timers(struct aoe_engine *e);
/* Frames in flight through ifc go back to be sent on another path. */
void aoe_io_requeue_iface(struct aoe_dev *d, const struct aoe_iface *ifc);
/* Ends every frame and request of d with res. */
void aoe_io_fail_all(struct aoe_dev *d, int res);

/* discover.c */
void discover_on_config(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v);
void discover_identify(struct aoe_dev *d);
int discover_send_query(struct aoe_engine *e, struct aoe_iface *ifc, uint32_t tag);
/* When the next discovery broadcast is due (UINT64_MAX: none). */
uint64_t discover_next_ns(struct aoe_engine *e);

/* engine.c */
/* Sends one frame built by build() into a fresh chunk of ifc's UMEM that
 * returns to the UMEM when done (control frames, not device I/O). */
int engine_send_raw(struct aoe_engine *e, struct aoe_iface *ifc, const void *frame,
		    size_t len);

#endif /* AOE_ENGINE_PRIV_H */
