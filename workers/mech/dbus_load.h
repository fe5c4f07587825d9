/* dbus_load.h -- libdbus-1, opened when the dbus mechanism first runs: called only through dapi */
#ifndef IPCSCOPE_DBUS_LOAD_H
#define IPCSCOPE_DBUS_LOAD_H

#include <dbus/dbus.h>
#include <stdarg.h>

#include "mech/dynlib.h"

/* X(return type, member, symbol, parameters) */
#define DBUS_FUNCS(X) \
	X(char *, address_escape_value, dbus_address_escape_value, (const char *v)) \
	X(void, free, dbus_free, (void *p)) \
	X(void, error_init, dbus_error_init, (DBusError *e)) \
	X(dbus_bool_t, error_is_set, dbus_error_is_set, (const DBusError *e)) \
	X(void, error_free, dbus_error_free, (DBusError *e)) \
	X(int, bus_request_name, dbus_bus_request_name, (DBusConnection *c, const char *n, \
	  unsigned f, DBusError *e)) \
	X(void, bus_add_match, dbus_bus_add_match, (DBusConnection *c, const char *r, \
	  DBusError *e)) \
	X(dbus_bool_t, bus_register, dbus_bus_register, (DBusConnection *c, DBusError *e)) \
	X(DBusConnection *, connection_open_private, dbus_connection_open_private, \
	  (const char *a, DBusError *e)) \
	X(void, connection_set_exit_on_disconnect, dbus_connection_set_exit_on_disconnect, \
	  (DBusConnection *c, dbus_bool_t x)) \
	X(void, connection_set_max_message_size, dbus_connection_set_max_message_size, \
	  (DBusConnection *c, long n)) \
	X(void, connection_set_max_received_size, dbus_connection_set_max_received_size, \
	  (DBusConnection *c, long n)) \
	X(DBusMessage *, connection_pop_message, dbus_connection_pop_message, \
	  (DBusConnection *c)) \
	X(dbus_bool_t, connection_read_write, dbus_connection_read_write, \
	  (DBusConnection *c, int t)) \
	X(dbus_bool_t, connection_send, dbus_connection_send, (DBusConnection *c, \
	  DBusMessage *m, dbus_uint32_t *s)) \
	X(void, connection_flush, dbus_connection_flush, (DBusConnection *c)) \
	X(DBusMessage *, connection_send_with_reply_and_block, \
	  dbus_connection_send_with_reply_and_block, (DBusConnection *c, DBusMessage *m, \
	  int t, DBusError *e)) \
	X(dbus_bool_t, connection_get_is_connected, dbus_connection_get_is_connected, \
	  (DBusConnection *c)) \
	X(void, connection_close, dbus_connection_close, (DBusConnection *c)) \
	X(void, connection_unref, dbus_connection_unref, (DBusConnection *c)) \
	X(dbus_bool_t, message_has_interface, dbus_message_has_interface, (DBusMessage *m, \
	  const char *i)) \
	X(int, message_get_type, dbus_message_get_type, (DBusMessage *m)) \
	X(DBusMessage *, message_ref, dbus_message_ref, (DBusMessage *m)) \
	X(void, message_unref, dbus_message_unref, (DBusMessage *m)) \
	X(dbus_bool_t, message_is_signal, dbus_message_is_signal, (DBusMessage *m, \
	  const char *i, const char *n)) \
	X(const char *, message_get_sender, dbus_message_get_sender, (DBusMessage *m)) \
	X(dbus_bool_t, message_set_destination, dbus_message_set_destination, \
	  (DBusMessage *m, const char *d)) \
	X(DBusMessage *, message_new_method_call, dbus_message_new_method_call, \
	  (const char *d, const char *p, const char *i, const char *n)) \
	X(DBusMessage *, message_new_method_return, dbus_message_new_method_return, \
	  (DBusMessage *m)) \
	X(DBusMessage *, message_new_signal, dbus_message_new_signal, (const char *p, \
	  const char *i, const char *n)) \
	X(dbus_bool_t, message_iter_init, dbus_message_iter_init, (DBusMessage *m, \
	  DBusMessageIter *it)) \
	X(int, message_iter_get_arg_type, dbus_message_iter_get_arg_type, \
	  (DBusMessageIter *it)) \
	X(int, message_iter_get_element_type, dbus_message_iter_get_element_type, \
	  (DBusMessageIter *it)) \
	X(void, message_iter_recurse, dbus_message_iter_recurse, (DBusMessageIter *it, \
	  DBusMessageIter *sub)) \
	X(void, message_iter_get_fixed_array, dbus_message_iter_get_fixed_array, \
	  (DBusMessageIter *it, void *v, int *n)) \
	X(dbus_bool_t, message_append_args_valist, dbus_message_append_args_valist, \
	  (DBusMessage *m, int t, va_list ap)) \
	X(dbus_bool_t, message_get_args_valist, dbus_message_get_args_valist, \
	  (DBusMessage *m, DBusError *e, int t, va_list ap))

/* dapi: our table of libdbus-1's entry points, filled by dapi_load() */
struct dbus_api {
	DYNLIB_MEMBERS(DBUS_FUNCS)
};
extern struct dbus_api dapi;

/* dapi_load: opens libdbus-1.so.3 and fills dapi; 0 or -ENOENT */
int dapi_load(void);

/* the two variadic calls dbus.c makes, through the va_list forms in dapi */
dbus_bool_t dapi_append_args(DBusMessage *m, int first, ...);
dbus_bool_t dapi_get_args(DBusMessage *m, DBusError *e, int first, ...);

#endif
