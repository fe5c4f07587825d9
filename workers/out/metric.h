/* metric.h -- the figures a run's jobs can be compared by (their names
   and units: compare.h) */
#ifndef IPCSCOPE_METRIC_H
#define IPCSCOPE_METRIC_H

enum metric { METRIC_MSGS_PER_S, METRIC_BYTES_PER_S, METRIC_ELAPSED_S, METRIC_LATENCY_P50_NS,
	      METRIC__COUNT };

#endif
