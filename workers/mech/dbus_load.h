/* dbus_load.h -- libdbus-1, opened when the dbus mechanism first runs */
#ifndef IPCSCOPE_DBUS_LOAD_H
#define IPCSCOPE_DBUS_LOAD_H

/* dbus_load: opens libdbus-1 for the dbus_* calls; 0 or -ENOENT */
int dbus_load(void);

#endif
