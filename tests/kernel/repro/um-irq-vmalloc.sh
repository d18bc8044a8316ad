#!/bin/bash
# Reproducer for the UML test kernel's lockdep report
#   DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())  (lockdep_hardirqs_on_prepare)
# that once failed an unrelated netns test (tests/kernel/patches/0003-*).
#   tests/kernel/run.sh tests/kernel/repro/um-irq-vmalloc.sh [SECONDS [tcpdump]]
# ("tcpdump": only tcpdump started and stopped, no SO_ATTACH_FILTER loop.)
# The run fails (tests/kernel/run.sh) on any kernel report.
#
# What it hammers: every classic BPF socket filter (tcpdump's, or
# SO_ATTACH_FILTER) is a read-only vmalloc area, so freeing it
# (bpf_prog_free_deferred in a kworker) flushes the kernel's vmalloc range
# with interrupts enabled. Meanwhile traffic, tcpdump's own capture and
# short timers keep interrupts (and the softirqs behind them) coming.
. "$RVTI_REPO/tests/lib/guest.sh"
secs=${1:-60}
mode=${2:-all}

insmod "$RVTI_REPO/kmod/rvti.ko" || { fail "insmod rvti.ko"; finish; }
ip netns add a && ip netns add b || { fail "netns"; finish; }
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 192.0.2.1/24 dev va && ip -n a link set va up
ip -n b addr add 192.0.2.2/24 dev vb && ip -n b link set vb up
ip -n a link set lo up; ip -n b link set lo up

end=$((SECONDS + secs))
# Traffic both ways, with many small timers (hrtimer interrupts).
ip netns exec a ping -q -i 0.002 -w "$secs" 192.0.2.2 >/dev/null 2>&1 &
p1=$!
ip netns exec b ping -q -s 1400 -i 0.005 -w "$secs" 192.0.2.1 >/dev/null 2>&1 &
p2=$!

# Classic BPF filters attached and detached as fast as possible.
[ "$mode" = tcpdump ] && secs=0
python3 - "$secs" >/tmp/bpf.count 2>&1 <<'PY' &
import ctypes, socket, struct, sys, time
end = time.time() + int(sys.argv[1])
# "ret #-1" (accept all) with a few no-op loads so the program is not tiny
ins = [(0x28, 0, 0, 12)] * 30 + [(0x06, 0, 0, 0xffffffff)]
buf = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in ins))
prog = struct.pack("HL", len(ins), ctypes.addressof(buf))
n = 0
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(8)]
while time.time() < end:
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, 26, prog)
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, 27, 0)
    n += len(socks)
print(n)
PY
py=$!

# tcpdump started and stopped in a loop, capturing the traffic.
starts=0
while [ $SECONDS -lt $end ]; do
	ip netns exec a tcpdump -q -n -i va -w /dev/null 'icmp or udp' >/dev/null 2>&1 &
	t=$!
	sleep 0.3
	kill $t
	wait $t
	starts=$((starts + 1))
done
wait $p1 $p2 $py
echo "# tcpdump started $starts times, $(cat /tmp/bpf.count) socket filters attached and freed"
check "the reproducer ran" [ "$starts" -gt 0 ]
dmesg | grep -E 'DEBUG_LOCKS_WARN_ON|WARNING:' | sed 's/^/# /'
finish
