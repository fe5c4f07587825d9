/* expect.h -- about how long each demo's defaults take */
#ifndef IPCSCOPE_DEMO_EXPECT_H
#define IPCSCOPE_DEMO_EXPECT_H

/* demo_expect_s: seconds the demo called name takes with its defaults on
   a quiet 2-core machine, an estimate; 0 when none is known */
int demo_expect_s(const char *name);

#endif
