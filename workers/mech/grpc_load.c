/* grpc_load.c -- gRPC's C core opened on first use, its entry points resolved into gapi */
#include "mech/grpc_load.h"

struct grpc_api gapi;

#define DYNLIB_API gapi
DYNLIB_TABLE(GRPC_FUNCS, "libgrpc.so.29", gapi_load)
