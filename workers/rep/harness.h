/* harness.h -- one rep of one mechanism: fork, pin, warm up, time, verify */
#ifndef IPCSCOPE_HARNESS_H
#define IPCSCOPE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "rep/rep_spec.h"

/* harness_run_rep: runs one rep; 0 with *out filled, or -1 with a
   lowercase message in err (and *code set to a short error code) */
int harness_run_rep(const struct rep_spec *spec, struct rep_result *out,
		    char *err, size_t errlen, const char **code);

/* harness_stop: asks the running rep to stop (signal-safe); the rep ends
   with an error "interrupted" */
void harness_stop(void);

/* harness_stopping: 1 once harness_stop was called */
int harness_stopping(void);

/* harness_timeout_message: why a rep of p overran its deadline_s, and what
   to do about it: a smaller count for a rep of a count; for a rep of a
   duration, that its workers did not stop when the duration was over */
void harness_timeout_message(const struct bench_params *p, double deadline_s, char *err,
			     size_t n);

#endif
