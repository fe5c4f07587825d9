/* dbus_load.c -- the libdbus-1 entry points dbus.c calls, forwarded to the library opened on first use */
#include <dbus/dbus.h>
#include <stdarg.h>

#include "dbus_load.h"
#include "dynlib.h"

/* X(return type, name, parameters, arguments) */
#define DBUS_FUNCS(X) \
	X(char *, dbus_address_escape_value, (const char *v), (v)) \
	X(void, dbus_free, (void *p), (p)) \
	X(void, dbus_error_init, (DBusError *e), (e)) \
	X(dbus_bool_t, dbus_error_is_set, (const DBusError *e), (e)) \
	X(void, dbus_error_free, (DBusError *e), (e)) \
	X(int, dbus_bus_request_name, (DBusConnection *c, const char *n, unsigned f, \
	  DBusError *e), (c, n, f, e)) \
	X(void, dbus_bus_add_match, (DBusConnection *c, const char *r, DBusError *e), \
	  (c, r, e)) \
	X(dbus_bool_t, dbus_bus_register, (DBusConnection *c, DBusError *e), (c, e)) \
	X(DBusConnection *, dbus_connection_open_private, (const char *a, DBusError *e), \
	  (a, e)) \
	X(void, dbus_connection_set_exit_on_disconnect, (DBusConnection *c, dbus_bool_t x), \
	  (c, x)) \
	X(void, dbus_connection_set_max_message_size, (DBusConnection *c, long n), (c, n)) \
	X(void, dbus_connection_set_max_received_size, (DBusConnection *c, long n), (c, n)) \
	X(DBusMessage *, dbus_connection_pop_message, (DBusConnection *c), (c)) \
	X(dbus_bool_t, dbus_connection_read_write, (DBusConnection *c, int t), (c, t)) \
	X(dbus_bool_t, dbus_connection_send, (DBusConnection *c, DBusMessage *m, \
	  dbus_uint32_t *s), (c, m, s)) \
	X(void, dbus_connection_flush, (DBusConnection *c), (c)) \
	X(dbus_bool_t, dbus_connection_get_is_connected, (DBusConnection *c), (c)) \
	X(void, dbus_connection_close, (DBusConnection *c), (c)) \
	X(void, dbus_connection_unref, (DBusConnection *c), (c)) \
	X(dbus_bool_t, dbus_message_has_interface, (DBusMessage *m, const char *i), (m, i)) \
	X(int, dbus_message_get_type, (DBusMessage *m), (m)) \
	X(DBusMessage *, dbus_message_ref, (DBusMessage *m), (m)) \
	X(void, dbus_message_unref, (DBusMessage *m), (m)) \
	X(dbus_bool_t, dbus_message_is_signal, (DBusMessage *m, const char *i, \
	  const char *n), (m, i, n)) \
	X(const char *, dbus_message_get_sender, (DBusMessage *m), (m)) \
	X(dbus_bool_t, dbus_message_set_destination, (DBusMessage *m, const char *d), (m, d)) \
	X(DBusMessage *, dbus_message_new_method_call, (const char *d, const char *p, \
	  const char *i, const char *n), (d, p, i, n)) \
	X(DBusMessage *, dbus_message_new_method_return, (DBusMessage *m), (m)) \
	X(DBusMessage *, dbus_message_new_signal, (const char *p, const char *i, \
	  const char *n), (p, i, n)) \
	X(dbus_bool_t, dbus_message_iter_init, (DBusMessage *m, DBusMessageIter *it), (m, it)) \
	X(int, dbus_message_iter_get_arg_type, (DBusMessageIter *it), (it)) \
	X(int, dbus_message_iter_get_element_type, (DBusMessageIter *it), (it)) \
	X(void, dbus_message_iter_recurse, (DBusMessageIter *it, DBusMessageIter *sub), \
	  (it, sub)) \
	X(void, dbus_message_iter_get_fixed_array, (DBusMessageIter *it, void *v, int *n), \
	  (it, v, n)) \
	X(dbus_bool_t, dbus_message_append_args_valist, (DBusMessage *m, int t, va_list ap), \
	  (m, t, ap)) \
	X(dbus_bool_t, dbus_message_get_args_valist, (DBusMessage *m, DBusError *e, int t, \
	  va_list ap), (m, e, t, ap))

DYNLIB_FORWARDERS(DBUS_FUNCS, "libdbus-1.so.3", dbus_load)

/* the two variadic calls dbus.c makes, through their va_list forms */
dbus_bool_t dbus_message_append_args(DBusMessage *m, int first, ...)
{
	va_list ap;
	dbus_bool_t ok;

	va_start(ap, first);
	ok = p_dbus_message_append_args_valist(m, first, ap);
	va_end(ap);
	return ok;
}

dbus_bool_t dbus_message_get_args(DBusMessage *m, DBusError *e, int first, ...)
{
	va_list ap;
	dbus_bool_t ok;

	va_start(ap, first);
	ok = p_dbus_message_get_args_valist(m, e, first, ap);
	va_end(ap);
	return ok;
}
