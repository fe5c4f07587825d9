/* engine.c -- the engine's face to server/ (engine.h): the few calls the
   server makes into the layers below, so that it includes engine.h and
   params.h only */
#include "cli/engine.h"

#include "base/cleanup.h"
#include "demos/demo.h"
#include "mech/mech.h"
#include "mech/mpi_job.h"

int engine_demo_own_params(const char *name)
{
	return demo_own_params(name);
}

int engine_demo_param(const char *demo, const char *name, const char *value, char *err,
		      size_t errlen)
{
	return demo_param_check(demo, name, value, err, errlen);
}

int engine_demo_of_jobs(const char *name)
{
	const struct demo *d = name ? demo_find(name) : NULL;

	return d && !d->exp;
}

int engine_is_mechanism(const char *name)
{
	return mech_find(name) != NULL;
}

int engine_base_check(char *err, size_t errlen)
{
	return cleanup_base_check(err, errlen);
}

int engine_sweep_stale(void)
{
	return cleanup_sweep_stale();
}

void engine_under_mpirun(int argc, char **argv)
{
	mech_mpi_under_mpirun(argc, argv);
}
