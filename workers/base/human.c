/* human.c -- numbers formatted for people: "757 k", "7.9 s", "1 MiB", "22x" */
#include "base/human.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SIG_DIGITS 3
#define MAX_PLAIN_DIGITS 4     /* "2026" is fine, "12345" is not */
#define SHORT_UNIT 3           /* "B/s" takes its prefix glued: "GB/s" */

/* sig3: |v| < 1000 with three significant digits, trailing zeros dropped */
static void sig3(double v, char *buf, size_t len)
{
	double a = fabs(v);
	int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
	char *dot;

	snprintf(buf, len, "%.*f", decimals, v);
	dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (!strcmp(buf, "-0"))
		snprintf(buf, len, "0");
}

/* rounds_up: v shown with three digits would read 1000 */
static int rounds_up(double v)
{
	return fabs(v) >= 999.5;
}

const char *human_si(double v, const char *unit, char *buf, size_t len)
{
	static const char *const up[] = { "", "k", "M", "G", "T", "P" };
	static const char *const down[] = { "", "m", "µ", "n" };
	char num[32];
	int i = 0;

	if (!isfinite(v)) {
		snprintf(buf, len, "n/a%s%s", *unit ? " " : "", unit);
		return buf;
	}
	while (i < 5 && (fabs(v) >= 1000 || rounds_up(v))) {
		v /= 1000;
		i++;
	}
	if (i == 0 && v != 0 && fabs(v) < 0.01) {
		int k = 0;
		while (k < 3 && fabs(v) < 1) {
			v *= 1000;
			k++;
		}
		sig3(v, num, sizeof(num));
		snprintf(buf, len, "%s %s%s", num, down[k], unit);
		return buf;
	}
	sig3(v, num, sizeof(num));
	if (*up[i] && strlen(unit) > SHORT_UNIT)       /* "757 k messages/s" */
		snprintf(buf, len, "%s %s %s", num, up[i], unit);
	else                                           /* "4.2 GB/s", "12" */
		snprintf(buf, len, "%s%s%s%s", num, (*up[i] || *unit) ? " " : "", up[i], unit);
	return buf;
}

const char *human_count(uint64_t n, char *buf, size_t len)
{
	char digits[32], out[48];
	int nd, o = 0;

	nd = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	for (int i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
	return buf;
}

const char *human_seconds(double s, char *buf, size_t len)
{
	char num[32];

	if (!isfinite(s) || s < 0) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	if (s >= 100) {
		snprintf(buf, len, "%.0f s", s);
		return buf;
	}
	if (s >= 1 || rounds_up(s * 1e3))
		sig3(s, num, sizeof(num)), snprintf(buf, len, "%s s", num);
	else if (s >= 1e-3 || rounds_up(s * 1e6))
		sig3(s * 1e3, num, sizeof(num)), snprintf(buf, len, "%s ms", num);
	else if (s >= 1e-6 || rounds_up(s * 1e9))
		sig3(s * 1e6, num, sizeof(num)), snprintf(buf, len, "%s µs", num);
	else
		sig3(s * 1e9, num, sizeof(num)), snprintf(buf, len, "%s ns", num);
	return buf;
}

const char *human_bytes(double b, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	char num[32];
	int i = 0;

	while (i < 4 && b >= 1024) {
		b /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(num, sizeof(num), "%.0f", b);
	else
		sig3(b, num, sizeof(num));
	snprintf(buf, len, "%s %s", num, units[i]);
	return buf;
}

const char *human_rate_bytes(double bps, char *buf, size_t len)
{
	return human_si(bps, "B/s", buf, len);
}

const char *human_ratio(double x, char *buf, size_t len)
{
	char num[32];

	if (!isfinite(x)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	if (x >= 1000)
		human_si(x, "", num, sizeof(num));
	else if (x >= 10)
		snprintf(num, sizeof(num), "%.0f", x);
	else
		sig3(x, num, sizeof(num));
	snprintf(buf, len, "%s×", num);
	return buf;
}

const char *human_pct(double pct, char *buf, size_t len)
{
	char num[32];

	if (!isfinite(pct)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	if (pct != 0 && fabs(pct) < 0.01)
		snprintf(num, sizeof(num), "%s0.01", pct < 0 ? "> -" : "< ");
	else if (fabs(pct) >= 1000)
		human_count((uint64_t)(fabs(pct) + 0.5), num, sizeof(num));
	else if (fabs(pct) >= 100)
		snprintf(num, sizeof(num), "%.0f", pct);
	else
		sig3(pct, num, sizeof(num));
	snprintf(buf, len, "%s%%", num);
	return buf;
}

/* token_bad: a number token starting at s (digits, ',' groups and one '.');
   1 when it is not formatted for people; *end set past it */
static int token_bad(const char *s, const char **end)
{
	int digits = 0, run = 0, maxrun = 0, lead = 1, grouped = 0;
	const char *p = s;

	for (; isdigit((unsigned char)*p) || ((*p == ',' || *p == '.') &&
	     isdigit((unsigned char)p[1])); p++) {
		if (*p == ',' || *p == '.') {
			grouped |= *p == ',';
			run = 0;
			continue;
		}
		run++;
		maxrun = run > maxrun ? run : maxrun;
		if (lead && *p == '0')
			continue;       /* leading zeros of 0.05 are not significant */
		lead = 0;
		digits++;
	}
	*end = p;
	if ((*p == 'e' || *p == 'E') && (p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2]))
		return 1;
	if (grouped)               /* "1,234,567": an exact count, grouped */
		return maxrun > 3;
	return maxrun > MAX_PLAIN_DIGITS || digits > MAX_PLAIN_DIGITS;
}

/* identifier_at: p starts a pid, uid or gid ("pid 4242"), or is glued to
   a word ("sha256"): not a quantity */
static int identifier_at(const char *text, const char *p)
{
	static const char *const ids[] = { "pid ", "uid ", "gid ", "PID ", "UID ", "GID " };

	if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return 1;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (p - text >= 4 && !strncmp(p - 4, ids[i], 4))
			return 1;
	return 0;
}

int human_check(const char *text, char *bad, size_t badlen)
{
	const char *p = text, *end;

	while (*p) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		if (!token_bad(p, &end) || identifier_at(text, p)) {
			p = end;
			continue;
		}
		snprintf(bad, badlen, "%.*s", (int)(end - p) + 3, p);
		return -1;
	}
	return 0;
}
