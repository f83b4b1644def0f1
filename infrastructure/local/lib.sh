# Helpers shared by the local server scripts. Source it after defining log().

# port_open PORT: something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE: the process named in PIDFILE runs.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pidfile PIDFILE: SIGTERM, up to 30 s for a controlled shutdown, then SIGKILL; idempotent.
stop_pidfile() {
  if ! pid_alive "$1"; then rm -f "$1"; log "not running"; return 0; fi
  local pid; pid="$(cat "$1")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "forcing stop"; kill -9 "$pid" 2>/dev/null || true; }
  rm -f "$1"; log "stopped"
}
