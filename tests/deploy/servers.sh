# Starting and stopping each real server for the deployment tests
# (sourced after lib.sh).  Each gets a generated minimal configuration
# that binds 127.0.0.1 on a free port, keeps its pid, logs and sockets
# in $T, and includes the shipped snippet with its paths moved into $T.

PORT=
SERVER_PID=
POOL_PIDS=

# A shipped file with its installed paths replaced by the test's.
install_snippet() {
	sed -e "s#/usr/sbin/nv-fcgi#$T/bin/nv-fcgi#g" \
	    -e "s#/etc/number-verification/nv.conf#$T/etc/nv.conf#g" \
	    -e "s#/run/lighttpd/#$T/run/#g" \
	    -e "s#/run/nv-fcgi/nv-fcgi.sock#$T/run/nv-fcgi.sock#g" \
	    -e "s#<Directory \"/usr/sbin\">#<Directory \"$T/bin\">#g" \
	    "$1" > "$2"
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	stop_pid "$SERVER_PID"
	SERVER_PID=
}

# A command line of deploy/nv-fcgi-spawn.service (ExecStart, ExecReload),
# with the values of deploy/nv-fcgi.env and the test's paths put in, as
# systemd would run it.
unit_command() {
	local key=$1 n=$2 line
	line=$(sed -n "s/^$key=//p" "$SRC/deploy/nv-fcgi-spawn.service")
	[ -n "$line" ] || die "no $key= in deploy/nv-fcgi-spawn.service"
	(
		# shellcheck source=/dev/null
		. "$SRC/deploy/nv-fcgi.env"
		NV_SOCKET=$T/run/nv-fcgi.sock
		NV_WORKERS=$n
		line=${line//\$\{NV_SOCKET\}/$NV_SOCKET}
		line=${line//\$\{NV_SOCKET_MODE\}/$NV_SOCKET_MODE}
		line=${line//\$\{NV_WORKERS\}/$NV_WORKERS}
		line=${line//\$\$/\$}
		line=${line//\/run\/nv-fcgi\//$T/run/}
		line=${line//\/usr\/sbin\/nv-fcgi/$T/bin/nv-fcgi}
		line=${line//\/usr\/bin\/systemd-cat/$T/bin/systemd-cat}
		echo "$line"
	)
}

# The spawn-fcgi pool, started by the ExecStart of
# deploy/nv-fcgi-spawn.service with the environment of deploy/nv-fcgi.env.
start_pool() {
	local n=${1:-4} cmd
	cmd=$(unit_command ExecStart "$n")
	# The journal is not part of the test: in systemd-cat's place, a
	# stand-in that appends the worker's stderr to a log, then executes
	# the worker the same way.
	cat > "$T/bin/systemd-cat" <<EOC
#!/bin/sh
case "\$1" in --identifier=*) shift ;; esac
exec "\$@" 2>> "$T/log/workers.log"
EOC
	chmod 755 "$T/bin/systemd-cat"
	[[ $cmd == */spawn-fcgi\ * ]] || die "ExecStart does not run spawn-fcgi: $cmd"
	(
		set -a
		# shellcheck source=/dev/null
		. "$SRC/deploy/nv-fcgi.env"
		set +a
		export NV_CONFIG=$T/etc/nv.conf
		# shellcheck disable=SC2086 # systemd splits ExecStart on blanks
		as_server $cmd >> "$T/log/spawn-fcgi.log" 2>&1
	) || die "spawn-fcgi failed: $cmd"
	wait_socket "$T/run/nv-fcgi.sock"
	POOL_PIDS=$(cat "$T/run/workers.pid")
	[ "$(echo "$POOL_PIDS" | wc -l)" = "$n" ] ||
	    die "spawn-fcgi started $(echo "$POOL_PIDS" | wc -l) workers, not $n"
}

# systemctl reload: the ExecReload of the unit (it runs as the workers'
# user, as systemd runs it).
reload_pool() {
	local cmd
	cmd=$(unit_command ExecReload "$(echo "$POOL_PIDS" | wc -l)")
	# shellcheck disable=SC2086 # systemd splits ExecReload on blanks
	eval as_server $cmd || die "ExecReload failed: $cmd"
}

stop_pool() {
	local p
	for p in $POOL_PIDS; do
		stop_pid "$p"
	done
	POOL_PIDS=
}

# lighttpd -D with the given shipped snippet.
start_lighttpd() {
	need lighttpd
	PORT=$(free_port)
	mkdir -p "$T/www"
	install_snippet "$1" "$T/nv-fcgi.conf"
	cat > "$T/lighttpd.conf" <<EOC
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$T/log/lighttpd-error.log"
server.pid-file = "$T/run/lighttpd.pid"
server.max-connections = 256
include "$T/nv-fcgi.conf"
EOC
	lighttpd -tt -f "$T/lighttpd.conf" > "$T/log/lighttpd-check.log" 2>&1 ||
	    die "lighttpd rejects the configuration: $(cat "$T/log/lighttpd-check.log")"
	spawn_server "$T/log/lighttpd-out.log" lighttpd -D -f "$T/lighttpd.conf"
	wait_http "$PORT"
}

# apache2 -DFOREGROUND with a minimal configuration: the modules it
# needs, then the shipped snippet.
start_apache() {
	local snippet=$1 mods=$2 m moddir=/usr/lib/apache2/modules
	need apache2 "$moddir/mod_mpm_event.so"
	for m in $mods; do
		need "$moddir/mod_$m.so"
	done
	PORT=$(free_port)
	install_snippet "$snippet" "$T/nv-fcgi-apache.conf"
	mkdir -p "$T/www" "$T/run/fcgid"
	[ "$(id -u)" = 0 ] && chown 65534:65534 "$T/run/fcgid"
	{
		echo "ServerRoot \"$T\""
		echo "ServerName 127.0.0.1"
		# Built in or not, depending on the build: load if missing.
		for m in mpm_event authz_core unixd $mods; do
			[ -e "$moddir/mod_$m.so" ] || continue
			echo "<IfModule !${m}_module>"
			echo "	LoadModule ${m}_module $moddir/mod_$m.so"
			echo "</IfModule>"
		done
		cat <<EOC
Listen 127.0.0.1:$PORT
PidFile "$T/run/apache2.pid"
ErrorLog "$T/log/apache-error.log"
LogLevel warn
Mutex file:$T/run default
DefaultRuntimeDir "$T/run"
DocumentRoot "$T/www"
StartServers 1
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
<IfModule fcgid_module>
	FcgidIPCDir "$T/run/fcgid"
	FcgidProcessTableFile "$T/run/fcgid/table"
</IfModule>
Include "$T/nv-fcgi-apache.conf"
EOC
	} > "$T/apache2.conf"
	apache2 -t -f "$T/apache2.conf" > "$T/log/apache-check.log" 2>&1 ||
	    die "apache2 rejects the configuration: $(cat "$T/log/apache-check.log")"
	spawn_server "$T/log/apache-out.log" apache2 -f "$T/apache2.conf" \
	    -DFOREGROUND
	wait_http "$PORT"
}

# nginx in the foreground, its prefix in $T, the shipped location and
# upstream (in the http context, as conf.d/ is).  NGINX_WORKERS: its
# worker processes (1).
start_nginx() {
	need nginx /etc/nginx/fastcgi_params
	PORT=$(free_port)
	mkdir -p "$T/nginx/tmp" "$T/www"
	[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$T/nginx"
	install_snippet "$SRC/deploy/nginx/number-verification.conf" \
	    "$T/nginx/number-verification.conf"
	install_snippet "$SRC/deploy/nginx/nv-fcgi-upstream.conf" \
	    "$T/nginx/nv-fcgi-upstream.conf"
	cp /etc/nginx/fastcgi_params "$T/nginx/fastcgi_params"
	cat > "$T/nginx/nginx.conf" <<EOC
daemon off;
worker_processes ${NGINX_WORKERS:-1};
pid $T/run/nginx.pid;
error_log $T/log/nginx-error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $T/nginx/tmp/body;
	fastcgi_temp_path $T/nginx/tmp/fastcgi;
	proxy_temp_path $T/nginx/tmp/proxy;
	uwsgi_temp_path $T/nginx/tmp/uwsgi;
	scgi_temp_path $T/nginx/tmp/scgi;
	include nv-fcgi-upstream.conf;
	server {
		listen 127.0.0.1:$PORT;
		root $T/www;
		include number-verification.conf;
	}
}
EOC
	as_server nginx -t -q -e "$T/log/nginx-error.log" -p "$T/nginx" \
	    -c "$T/nginx/nginx.conf" > "$T/log/nginx-check.log" 2>&1 ||
	    die "nginx rejects the configuration: $(cat "$T/log/nginx-check.log")"
	spawn_server "$T/log/nginx-out.log" nginx -e "$T/log/nginx-error.log" \
	    -p "$T/nginx" -c "$T/nginx/nginx.conf"
	wait_http "$PORT"
}
