/* board_qr.c -- the QR code of the board's join URL, from libqrencode opened with dlopen()
 *
 * The QR code is a convenience: without libqrencode the board runs and
 * shows its URL and code as text.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "board_qr.h"

#define QR_SONAME "libqrencode.so.4"
#define QR_QUIET 2                     /* light modules around the code, each side */

static struct {
	QRcode *(*encode)(const char *s, int version, QRecLevel level, QRencodeMode hint,
			  int casesensitive);
	void (*free)(QRcode *q);
} qr;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *lib = dlopen(QR_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return;
	*(void **)&qr.encode = dlsym(lib, "QRcode_encodeString");
	*(void **)&qr.free = dlsym(lib, "QRcode_free");
	if (!qr.encode || !qr.free)
		qr.encode = NULL;
}

unsigned char *board_qr(const char *text, int *width)
{
	unsigned char *m;
	QRcode *q;

	pthread_once(&once, load);
	if (!qr.encode || !(q = qr.encode(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)))
		return NULL;
	m = malloc((size_t)q->width * (size_t)q->width);
	for (int i = 0; m && i < q->width * q->width; i++)
		m[i] = q->data[i] & 1;
	*width = q->width;
	qr.free(q);
	return m;
}

/* dark: module (x, y) of m, light outside the code */
static int dark(const unsigned char *m, int w, int x, int y)
{
	return x >= 0 && y >= 0 && x < w && y < w && m[y * w + x];
}

void board_qr_print(FILE *f, const char *text)
{
	/* two rows of modules a line; a light module is drawn, as a terminal's
	   background is most often dark */
	static const char *const cell[4] = { "\u2588", "\u2580", "\u2584", " " };
	int w;
	unsigned char *m = board_qr(text, &w);

	if (!m)
		return;
	for (int y = -QR_QUIET; y < w + QR_QUIET; y += 2) {
		for (int x = -QR_QUIET; x < w + QR_QUIET; x++)
			fputs(cell[dark(m, w, x, y) * 2 + dark(m, w, x, y + 1)], f);
		fputc('\n', f);
	}
	free(m);
}
