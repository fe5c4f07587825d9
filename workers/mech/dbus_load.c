/* dbus_load.c -- libdbus-1 opened on first use, its entry points resolved into dapi */
#include "mech/dbus_load.h"

struct dbus_api dapi;

#define DYNLIB_API dapi
DYNLIB_TABLE(DBUS_FUNCS, "libdbus-1.so.3", dapi_load)

dbus_bool_t dapi_append_args(DBusMessage *m, int first, ...)
{
	va_list ap;
	dbus_bool_t ok;

	va_start(ap, first);
	ok = dapi.message_append_args_valist(m, first, ap);
	va_end(ap);
	return ok;
}

dbus_bool_t dapi_get_args(DBusMessage *m, DBusError *e, int first, ...)
{
	va_list ap;
	dbus_bool_t ok;

	va_start(ap, first);
	ok = dapi.message_get_args_valist(m, e, first, ap);
	va_end(ap);
	return ok;
}
