/* exp_demo.h -- the closing of every experiment demo's file in one place:
   the hook that runs the experiment, writes its lesson and checks its
   claims, its struct exp_demo and its struct demo. A demo file defines its
   params table, its run, lesson and (optionally) check, then ends with one
   EXP_DEMO (or EXP_DEMO_NO_PARAMS, or EXP_DEMO_WITH_RUN) line. */
#ifndef IPCSCOPE_DEMOS_EXP_DEMO_H
#define IPCSCOPE_DEMOS_EXP_DEMO_H

#include "demos/demo.h"
#include "demos/exp.h"

/* exp_no_check: for an experiment whose claims need no check of their own */
static inline void exp_no_check(const void *r, struct exp_out *o)
{
	(void)r;
	(void)o;
}

/* EXP_DEMO_WITH_RUN: id##_exp (params pspec filling a ptype, chart, the
   hook run_hook) and demo_##var with the designated initializers given */
#define EXP_DEMO_WITH_RUN(id, var, pspec, psize, run_hook, chart_json, ...)		\
	const struct exp_demo id##_exp = {						\
		.params = pspec, .params_size = psize, .chart = chart_json,		\
		.run = run_hook,							\
	};										\
	const struct demo demo_##var = { __VA_ARGS__, .exp = &id##_exp }

/* EXP_DEMO: the hook runs run(params, &result, o, err, errlen), then
   lesson(&result, text, len) and check(&result, o) */
#define EXP_DEMO(id, var, pspec, ptype, rtype, run, lesson, check, chart_json, ...)	\
	static int id##_exp_run(const void *params, struct exp_out *o, char *text,	\
				size_t len, char *err, size_t errlen)			\
	{										\
		rtype r;								\
											\
		if (run((const ptype *)params, &r, o, err, errlen) < 0)		\
			return -1;							\
		lesson(&r, text, len);							\
		check(&r, o);								\
		return 0;								\
	}										\
	EXP_DEMO_WITH_RUN(id, var, pspec, sizeof(ptype), id##_exp_run, chart_json,	\
			  __VA_ARGS__)

/* EXP_DEMO_NO_PARAMS: the same for an experiment that takes no params:
   run(&result, o, err, errlen) */
#define EXP_DEMO_NO_PARAMS(id, var, rtype, run, lesson, check, chart_json, ...)	\
	static int id##_exp_run(const void *params, struct exp_out *o, char *text,	\
				size_t len, char *err, size_t errlen)			\
	{										\
		rtype r;								\
											\
		(void)params;								\
		if (run(&r, o, err, errlen) < 0)					\
			return -1;							\
		lesson(&r, text, len);							\
		check(&r, o);								\
		return 0;								\
	}										\
	EXP_DEMO_WITH_RUN(id, var, NULL, 0, id##_exp_run, chart_json, __VA_ARGS__)

#endif
