/* human.h -- numbers formatted for people: "757 k", "7.9 s", "1 MiB", "22x" */
#ifndef IPCSCOPE_HUMAN_H
#define IPCSCOPE_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* Every function writes into buf (len >= HUMAN_LEN is always enough) and
   returns buf; three significant digits at most, never an exponent. */
#define HUMAN_LEN 48

/* human_si: v with an SI prefix and unit: "757 k messages/s", "1.23 M", "0.5 x" */
const char *human_si(double v, const char *unit, char *buf, size_t len);

/* human_count: an exact count grouped by thousands: "1,234,567" */
const char *human_count(uint64_t n, char *buf, size_t len);

/* human_seconds: a duration in the unit that reads best: "7.9 s", "850 ms",
   "12.3 µs", "85 ns" */
const char *human_seconds(double s, char *buf, size_t len);

/* human_bytes: a size in binary units: "64 B", "4 KiB", "1 MiB", "1.5 KiB" */
const char *human_bytes(double b, char *buf, size_t len);

/* human_rate_bytes: bytes per second in decimal units: "4.2 GB/s", "850 MB/s" */
const char *human_rate_bytes(double bps, char *buf, size_t len);

/* human_ratio: a factor: "22×", "3.4×", "1.07×" */
const char *human_ratio(double x, char *buf, size_t len);

/* human_pct: a percentage: "48%", "3.2%", "0.01%" */
const char *human_pct(double pct, char *buf, size_t len);

/* human_check: 0 when text holds no unformatted number (a run of five or more
   digits without grouping, more than four significant digits, or an
   exponent); else -1 with the offending token in bad */
int human_check(const char *text, char *bad, size_t badlen);

#endif
