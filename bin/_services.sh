# Start a throwaway PostgreSQL (unix socket) and Redis (loopback, free port) for bin/test
# and bin/benchmark, export DATABASE_URL and REDIS_URL, and remove both on exit.
# PG_DURABLE=1 keeps PostgreSQL's default durability (fsync on) for measurements; tests
# turn it off for speed.
PG_BIN=""
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$dir/initdb" ] && PG_BIN="$dir" && break
done
[ -n "$PG_BIN" ] || PG_BIN="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"
[ -x "$PG_BIN/initdb" ] || die "找不到 PostgreSQL 服务器程序（initdb）。请以 root 执行：apt-get install postgresql"
command -v redis-server >/dev/null || die "找不到 redis-server。请以 root 执行：apt-get install redis-server"

WORK=$(mktemp -d /tmp/jiuzhu-test.XXXXXX)
PG_SPEED="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = 1 ] && PG_SPEED=""
chmod 755 "$WORK"
# PostgreSQL refuses to run as root: as root, run it as the postgres system user.
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres "$WORK"
  as_pg() { runuser -u postgres -- "$@"; }
fi

cleanup() {
  set +e
  [ -f "$WORK/pg/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

say "启动临时 PostgreSQL（$("$PG_BIN/postgres" --version)）"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w start \
  -o "-k $WORK -c listen_addresses='' $PG_SPEED -c max_connections=100" \
  >/dev/null || { cat "$WORK/pg.log" >&2; die "PostgreSQL 启动失败（日志见上）。"; }

REDIS_PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "启动临时 Redis（$(redis-server --version | cut -d' ' -f3)，127.0.0.1:$REDIS_PORT）"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$WORK/redis.pid" \
  --dir "$WORK" --save "" --appendonly no --logfile "$WORK/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "Redis 启动失败：$(cat "$WORK/redis.log" 2>/dev/null)"

export DATABASE_URL="postgres://postgres@$(python -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$WORK")/jiuzhu"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

