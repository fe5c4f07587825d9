/* grpc_load.h -- gRPC's C core, opened when the grpc mechanism first runs (in a worker) */
#ifndef IPCSCOPE_GRPC_LOAD_H
#define IPCSCOPE_GRPC_LOAD_H

/* grpc_load: opens libgrpc for the grpc_* and gpr_* calls; 0 or -ENOENT */
int grpc_load(void);

#endif
