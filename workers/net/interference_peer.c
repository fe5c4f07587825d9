/* interference_peer.c -- the peer's side of a cross-host rep's interference: what it sends, and what the driver believes of it */
#include "net/interference_peer.h"

#include <math.h>

#include "net/peerproto.h"

#define PCT_MAX 100.0

void interference_json_add(cJSON *o, const char *key, double v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

void interference_far_of(const struct interference *here, struct interference_far *far)
{
	far->sent = true;
	far->other_cpu_pct = here->other_cpu_pct;
	far->steal_pct = here->steal_pct;
	far->involuntary_ctx = here->involuntary_ctx;
}

cJSON *interference_far_json(const struct interference_far *far)
{
	cJSON *o = cJSON_CreateObject();

	interference_json_add(o, "other_cpu_pct", far->other_cpu_pct);
	interference_json_add(o, "steal_pct", far->steal_pct);
	interference_json_add(o, "involuntary_ctx", (double)far->involuntary_ctx);
	return o;
}

/* in_range: o[key] when a number within lo..hi (whole when whole), else -1 */
static double in_range(const cJSON *o, const char *key, double lo, double hi, int whole)
{
	double v = peer_num(o, key, lo, hi, -1);

	return whole && v != floor(v) ? -1 : v;
}

void interference_peer_take(const cJSON *msg, struct interference_far *far)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(msg, "interference");

	far->sent = cJSON_IsObject(o);
	far->other_cpu_pct = in_range(o, "other_cpu_pct", 0, PCT_MAX, 0);
	far->steal_pct = in_range(o, "steal_pct", 0, PCT_MAX, 0);
	far->involuntary_ctx = (long)in_range(o, "involuntary_ctx", 0, INTERF_PEER_MAX_CTX, 1);
}
