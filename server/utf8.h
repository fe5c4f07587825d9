/* utf8.h -- what is valid UTF-8: for answers that quote request bytes and
   for history files that are served as they are */
#ifndef IPCSCOPE_UTF8_H
#define IPCSCOPE_UTF8_H

#include <stddef.h>

/* utf8_seq: the length (1..4) of the valid UTF-8 sequence at s, which has
   n bytes left (n > 0), or 0 when it is not one: no overlong forms, no
   surrogates, nothing past U+10FFFF */
size_t utf8_seq(const unsigned char *s, size_t n);

/* utf8_valid: the offset of the first byte of buf that is not part of a
   valid UTF-8 sequence, or len when all of it is valid */
size_t utf8_valid(const char *buf, size_t len);

#endif
