#!/usr/bin/env bash
# params_once.sh -- each common param is described once: its name is a
# string only in the params table (workers/params/params_table.c), the server sees
# the parser through params_request.h only, and the parser's own helpers
# (params_int.h) stay in the parser's files
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
top=$here/../..

# the names, from the table itself
table=$(sed -n 's/^	\[P_[A-Z_]*\] = { "\([a-z-]*\)",.*/\1/p' "$top/workers/params/params_table.c")
[ "$(echo "$table" | wc -l)" -ge 15 ]
tap $? "the params table has a row per common param ($(echo $table | wc -w))"

pat=$(echo $table | sed 's/ /\\|/g')
# a param's name written as a string outside the table: what is left once
# the NDJSON and CSV field names (cJSON keys, a line's fields read back, the
# CSV column table), the demos' own params (their dparam rows and kinds) and
# the commands and protocol words that share a name are set aside
stray=$(cd "$top" && grep -rn "\"\\($pat\\)\"" workers server --include=*.c | grep -v \
	-e '^workers/params/params_table\.c:' \
	-e 'cJSON_Add[A-Za-z]*ToObject([a-z]*, "' -e 'cJSON_GetObjectItem' -e 'num([a-z]*, "' \
	-e 'str([a-z]*, "' -e '[a-z]_of([a-z]*, "' -e '[sn]val([a-z]*, "' -e 'DP_[A-Z]*,' -e '^workers/out/report\.c:1[01][0-9]:	{ "' \
	-e '^workers/demos/dparam\.c:.*kind_names' -e '^workers/cli/catalogue_params\.c:.*\[PARAM_' \
	-e '"ipcscope", "peer"' -e '{ "peer", peer_main }' -e '!strcmp(cmd, "peer")' \
	-e '"sysinfo", "peer", "lab"' -e '"peer", "name", dev1' -e '^workers/net/peerproto\.c:.*F_STRING' \
	-e '^workers/mech/registry\.c:.*FAM_BASELINE' -e '^workers/out/ndjson\.c:[0-9]*:   row' \
	-e '^workers/demos/decide\.c:.*p->size, "size"' \
	-e '^server/board_parse\.c:[0-9]*:	static const char \*const names\[\] = { "label"')
[ -z "$stray" ]
tap $? "no common param's name is a string outside the params table${stray:+: $(echo "$stray" | head -5 | tr '\n' ' ')}"

server_inc=$(cd "$top" && grep -ln 'include "params/params\.h"\|include "params/params_int\.h"' server/*.c server/*.h)
[ -z "$server_inc" ]
tap $? "server/ uses the parser through params_request.h only${server_inc:+: $server_inc}"
int_users=$(cd "$top" && grep -rl 'include "params/params_int\.h"' workers server tests | grep -v '^workers/params/params\(_options\|_peer\)\?\.c$')
[ -z "$int_users" ]
tap $? "params_int.h is included by the parser's files only${int_users:+: $int_users}"
leak=$(cd "$top" && grep -n 'params_fail\|params_set_option\|params_option_known\|params_check_peer\|params_options_apply' \
	workers/params/params.h workers/params/params_request.h)
[ -z "$leak" ]
tap $? "params.h and params_request.h declare none of the parser's internals${leak:+: $leak}"
tap_done
