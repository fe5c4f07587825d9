/* cma.h -- when cross-memory attach (process_vm_readv) can run here */
#ifndef IPCSCOPE_CMA_H
#define IPCSCOPE_CMA_H

#include <stddef.h>

/* cma_forbidden: 1 with the reason in why when one worker may not read
   the other's memory: Yama's kernel.yama.ptrace_scope (scope; -1 when
   Yama is absent) at 2 without CAP_SYS_PTRACE (has_cap), or at 3; or a
   probe of process_vm_readv on this process that failed with probe_err
   (0: it worked); 0 otherwise */
int cma_forbidden(int scope, int has_cap, int probe_err, char *why, size_t len);

#endif
