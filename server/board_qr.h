/* board_qr.h -- the QR code of the board's join URL (libqrencode, when installed) */
#ifndef IPCSCOPE_BOARD_QR_H
#define IPCSCOPE_BOARD_QR_H

#include <stdio.h>

/* board_qr: the QR code of text as width x width bytes, row by row, 1 for
   a dark module (the caller frees it); NULL without libqrencode */
unsigned char *board_qr(const char *text, int *width);

/* board_qr_print: the QR code of text on f in block characters, nothing
   without libqrencode */
void board_qr_print(FILE *f, const char *text);

#endif
