/* mhd_api.h -- libmicrohttpd through a table of our own, opened only by `serve` */
#ifndef IPCSCOPE_MHD_API_H
#define IPCSCOPE_MHD_API_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

/*
 * The entry points the server uses. The binary does not link
 * libmicrohttpd: run processes are this same binary, and linking it would
 * make each of them load the library and its TLS stack before printing a
 * line. `serve` fills this table with dlsym() once, before starting the
 * daemon; nothing else calls through it.
 */
struct mhd_api {
	/* responses */
	struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buf,
							    enum MHD_ResponseMemoryMode mode);
	struct MHD_Response *(*create_response_from_callback)(uint64_t size, size_t block,
							      MHD_ContentReaderCallback crc,
							      void *cls,
							      MHD_ContentReaderFreeCallback crfc);
	enum MHD_Result (*add_response_header)(struct MHD_Response *r, const char *name,
					       const char *value);
	enum MHD_Result (*queue_response)(struct MHD_Connection *c, unsigned int status,
					  struct MHD_Response *r);
	void (*destroy_response)(struct MHD_Response *r);
	/* requests */
	int (*get_connection_values)(struct MHD_Connection *c, enum MHD_ValueKind kind,
				     MHD_KeyValueIterator it, void *cls);
	int (*get_connection_values_n)(struct MHD_Connection *c, enum MHD_ValueKind kind,
				       MHD_KeyValueIteratorN it, void *cls);
	const char *(*lookup_connection_value)(struct MHD_Connection *c,
					       enum MHD_ValueKind kind, const char *key);
	const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *c,
							       enum MHD_ConnectionInfoType t,
							       ...);
	/* the daemon */
	enum MHD_Result (*add_connection)(struct MHD_Daemon *d, MHD_socket fd,
					  const struct sockaddr *addr, socklen_t addrlen);
	struct MHD_Daemon *(*start_daemon_va)(unsigned int flags, uint16_t port,
					      MHD_AcceptPolicyCallback apc, void *apc_cls,
					      MHD_AccessHandlerCallback dh, void *dh_cls,
					      va_list ap);
	const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *d,
						       enum MHD_DaemonInfoType t, ...);
	void (*stop_daemon)(struct MHD_Daemon *d);
};

extern struct mhd_api mhd;

/* mhd_load: opens libmicrohttpd and fills mhd once; 0, or -1 with a
   message in err */
int mhd_load(char *err, size_t errlen);

#endif
