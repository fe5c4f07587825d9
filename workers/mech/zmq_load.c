/* zmq_load.c -- libzmq opened on first use, its entry points resolved into zapi */
#include "mech/zmq_load.h"

struct zmq_api zapi;

#define DYNLIB_API zapi
DYNLIB_TABLE(ZMQ_FUNCS, "libzmq.so.5", zapi_load)
