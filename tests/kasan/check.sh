#!/bin/bash
# Payload of `make check-kasan`, run by tests/kernel/run-kasan.sh in one
# boot of the KASAN kernel (a boot under TCG costs a minute or more, so the
# scripts share it): the KUnit suites and the chosen netns scripts, one
# after the other, each one's TAP lines prefixed with its name, its time
# printed, and what a failed script left behind removed before the next.
#   check.sh [SCRIPT[+ARG...]...]   (paths relative to the repository,
#                                    ARGs for the script after "+")
repo=$RVTI_REPO
[ $# -gt 0 ] || set -- tests/kunit.sh tests/netns/sa.sh tests/kasan/esp-async.sh \
	tests/netns/esp-bad.sh tests/netns/teardown.sh+async tests/netns/offload.sh tests/netns/parallel.sh \
	tests/netns/backpressure.sh tests/netns/natt.sh tests/netns/ha.sh tests/netns/fuzz-netlink.sh \
	tests/netns/fuzz-packet.sh
# The fuzzers and the offload transfers, shorter than in the UML kernel:
# TCG with KASAN runs them at a tenth of the speed.
export RVTI_FUZZ_NL_COUNT=${RVTI_FUZZ_NL_COUNT:-1000}
export RVTI_FUZZ_PKT_COUNT=${RVTI_FUZZ_PKT_COUNT:-5000}
export RVTI_OFFLOAD_BYTES=${RVTI_OFFLOAD_BYTES:-500000}
echo "# kernel $(uname -r) ($(uname -m)), $(nproc) CPU(s)"
rc=0
for s; do
	IFS=+ read -r -a args <<<"$s"
	s=${args[0]}
	args=("${args[@]:1}")
	name=$(basename "$s" .sh)${args[*]:+ ${args[*]}}
	t0=$SECONDS
	bash "$repo/$s" "${args[@]}" 2>&1 |
		sed -u "s/^ok - /ok - kasan\/$name: /; s/^not ok - /not ok - kasan\/$name: /" |
		tee "/tmp/kasan-$name.log"
	r=${PIPESTATUS[0]}
	if [ "$r" != 0 ]; then
		rc=1
		grep -q '^not ok - ' "/tmp/kasan-$name.log" ||
			echo "not ok - kasan/$name: exited $r without a failing check"
	fi
	echo "# $name: $((SECONDS - t0)) s"
	ip -all netns delete 2>/dev/null
	rmmod rvti_kunit 2>/dev/null
	rmmod rvti 2>/dev/null
done
exit "$rc"
