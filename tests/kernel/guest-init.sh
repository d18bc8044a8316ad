#!/bin/bash
# PID 1 of the UML test kernel. The host's root is mounted read-only through
# hostfs; the runner passes, on the kernel command line (which becomes our
# environment), the repository, the payload to run and a writable host
# directory for results.
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
mount -t hostfs none /run/results -o "$rvti_results"
R=/run/results
# A repository under /tmp or /run (a CI clone, say) is hidden by the
# tmpfs mounts above: show the host's copy at the same path again.
case "$rvti_repo" in
/tmp/* | /run/*)
	mkdir -p "$rvti_repo"
	mount -t hostfs none "$rvti_repo" -o "$rvti_repo"
	;;
esac
ip link set lo up

export RVTI_REPO=$rvti_repo RVTI_RESULTS=$R HOME=/tmp
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
sync
echo o >/proc/sysrq-trigger
sleep 10
