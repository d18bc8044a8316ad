#!/bin/bash
# PID 1 of the test kernels. The host's root is mounted read-only through
# hostfs (UML, run.sh) or virtio 9p (qemu, run-kasan.sh); the runner passes,
# on the kernel command line (which becomes our environment), the
# repository, the payload to run and a writable host directory for results
# (hostfs path, or rvti_results=9p: the 9p share tagged "results").
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# Under 9p, a repository under /tmp or /run would be hidden by the tmpfs
# mounts below and cannot be mounted again (a virtio channel has one
# mount): keep a bind mount of it on /dev/shm's side and move it back.
case "$rvti_repo" in
/tmp/* | /run/*)
	if [ "$rvti_results" = 9p ]; then
		mkdir -p /dev/shm/repo
		mount --bind "$rvti_repo" /dev/shm/repo
	fi
	;;
esac
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /run/results /run/netns
# Everything but rvti is built into the test kernel, and the host's
# /lib/modules has nothing for it: without a modprobe path, request_module()
# fails at once instead of forking /sbin/modprobe for every crypto template
# lookup (35 s for the first GCM SA of a guest on a loaded machine, enough
# for an IKE peer to give up).
echo >/proc/sys/kernel/modprobe
if [ "$rvti_results" = 9p ]; then
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /run/results
else
	mount -t hostfs none /run/results -o "$rvti_results"
fi
R=/run/results
# A repository under /tmp or /run (a CI clone, say) is hidden by the
# tmpfs mounts above: show the host's copy at the same path again.
case "$rvti_repo" in
/tmp/* | /run/*)
	mkdir -p "$rvti_repo"
	if [ "$rvti_results" = 9p ]; then
		mount --move /dev/shm/repo "$rvti_repo"
	else
		mount -t hostfs none "$rvti_repo" -o "$rvti_repo"
	fi
	;;
esac
ip link set lo up

export RVTI_REPO=$rvti_repo RVTI_RESULTS=$R HOME=/tmp
# The modules to load, when not the repository's kmod/ (run-kasan.sh builds
# them for its kernel into the results share).
[ -n "${rvti_kmod:-}" ] && export RVTI_KMOD=$rvti_kmod
# The runner measures boot time from this file's creation.
cat /proc/uptime >"$R/booted"
cd "$rvti_repo" || echo "cannot enter $rvti_repo" >"$R/output.log"
# The payload's own output goes to a file so that the runner can tell it
# apart from the console's kernel messages.
rc=0
if [ -f "$rvti_payload" ]; then
	bash "$rvti_payload" $rvti_args >"$R/output.log" 2>&1 || rc=$?
else
	echo "not ok - payload $rvti_payload is not visible in the guest" >"$R/output.log"
	rc=1
fi

# Leaks are only reported for objects older than a few seconds, and only
# after a scan: give the payload's objects time to age, then scan twice.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$R/kmemleak.log"
fi
dmesg >"$R/dmesg.log"
echo "$rc" >"$R/rc"
# The power-off runs in a kworker and shuts the devices down, the 9p root
# among them, while init waits: wait with builtins only. An exec then
# (sleep) can fail, init exits (126) and the kernel panics ("Attempted to
# kill init", a clean-clone run's KASAN stage after every check passed).
mkfifo /run/poweroff-wait && exec 9<>/run/poweroff-wait
sync
echo o >/proc/sysrq-trigger
while :; do read -r -t 10 -u 9 _; done
