#!/usr/bin/env bash
# Runs CMD inside a private D-Bus session with an unlocked, throwaway gnome-keyring, so the real Secret Service path
# of @napi-rs/keyring is exercised (CI, integration tests, local debugging).
#
#   scripts/with-keyring.sh CMD [ARGS...]
#
# CMD's exit code is preserved. CMD keeps its own environment (HOME, XDG_DATA_HOME…) except DBUS_SESSION_BUS_ADDRESS
# (the private bus). The keyring daemon gets its own temporary XDG_DATA_HOME and XDG_RUNTIME_DIR, so it never opens or
# creates a real user's keyring, and everything it stored is deleted when CMD ends.
# Needs the Debian/Ubuntu packages `dbus` and `gnome-keyring`.
#
# gnome-keyring-daemon aborts now and then when a client goes away in the middle of its OpenSession (upstream's
# "gkd_secret_service_get_pkcs11_session: assertion 'client' failed"; the tests start and stop many short-lived
# bridges). So the daemon is restarted whenever it dies, on the same data and password: the same unlocked keyring,
# every stored secret still there. And the private bus activates nothing: the system's D-Bus service file would start a
# daemon of its own on the real user's keyring directory, locked and without our collection, which answers reads with
# "no secret" — a lost secret where there is only a restarting daemon.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

# Already inside a session this script set up: nesting would only start a second daemon on the same bus.
if [ "${DBV_KEYRING_SESSION:-}" = "ready" ]; then
  exec "$@"
fi

if [ "${DBV_KEYRING_SESSION:-}" != "inner" ]; then
  for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "with-keyring: '$tool' not found (install the apt packages dbus and gnome-keyring)" >&2
      exit 127
    fi
  done
  export DBV_KEYRING_SESSION=inner
  # A session bus like the standard one, minus its service directories (nothing is activated; see above).
  bus_config="$(mktemp "${TMPDIR:-/tmp}/dbv-bus.XXXXXX.conf")"
  cat >"$bus_config" <<'XML'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
XML
  # dbus-daemon warns "Failed to set fd limit" in containers; that is harmless, and stderr stays CMD's.
  set +e
  dbus-run-session --config-file="$bus_config" -- "$0" "$@"
  status=$?
  rm -f "$bus_config"
  exit "$status"
fi

keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/dbv-keyring.XXXXXX")"
mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"
keeper_pid=""

cleanup() {
  if [ -n "$keeper_pid" ]; then
    touch "$keyring_home/stop"
    # The keeper may be starting a daemon just now: stop whichever one the pid file names until the keeper is gone.
    for _ in $(seq 1 50); do
      kill "$(cat "$keyring_home/daemon.pid" 2>/dev/null)" 2>/dev/null || true
      kill -0 "$keeper_pid" 2>/dev/null || break
      sleep 0.1
    done
    wait "$keeper_pid" 2>/dev/null || true
  fi
  rm -rf "$keyring_home"
}
trap cleanup EXIT

# --unlock reads the login keyring's password from stdin until EOF; on a fresh XDG_DATA_HOME it creates that keyring
# with this password, and it becomes the default collection the Secret Service writes into; a restarted daemon unlocks
# the same keyring with it.
# --foreground keeps each daemon our child, so we know exactly which process to stop afterwards.
keyring_password="dbv-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
run_daemon() {
  while [ ! -e "$keyring_home/stop" ]; do
    printf '%s' "$keyring_password" |
      XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime" \
        gnome-keyring-daemon --foreground --unlock --components=secrets >>"$keyring_home/daemon.out" 2>&1 &
    echo "$!" >"$keyring_home/daemon.pid"
    daemon_status=0
    wait "$!" || daemon_status=$?
    [ -e "$keyring_home/stop" ] && return 0
    echo "with-keyring: gnome-keyring-daemon died (exit status $daemon_status); restarting it on the same keyring" >&2
    sleep 0.1
  done
}
run_daemon &
keeper_pid=$!

# The daemon claims org.freedesktop.secrets asynchronously; CMD must not start before that, or its first keyring call
# would find nobody on this bus (which activates nothing) and fail.
ready=""
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    ready=1
    break
  fi
  if ! kill -0 "$keeper_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "with-keyring: gnome-keyring-daemon did not come up:" >&2
  cat "$keyring_home/daemon.out" >&2 || true
  exit 125
fi

export DBV_KEYRING_SESSION=ready
set +e
"$@"
status=$?
set -e
exit "$status"
