#!/bin/bash
# Guest payload: load rvti and its KUnit suites, and turn KUnit's results
# (debugfs, KTAP) into one TAP line per test case.
. "$(dirname "$0")/lib/guest.sh"

load_rvti
if ! insmod "$RVTI_KMOD/rvti_kunit.ko"; then
	fail "insmod rvti_kunit.ko"
	finish
fi
found=0
for results in /sys/kernel/debug/kunit/rvti_*/results; do
	[ -f "$results" ] || continue
	suite=$(basename "$(dirname "$results")")
	# Test cases are the indented "ok N name" lines; parameterised cases
	# add a deeper level whose result is folded into their parent's.
	while read -r status name; do
		found=$((found + 1))
		if [ "$status" = ok ]; then
			pass "kunit $suite.$name"
		else
			fail "kunit $suite.$name"
			sed 's/^/#   /' "$results"
		fi
	done < <(sed -nE 's/^    (not ok|ok) [0-9]+ (- )?([A-Za-z0-9_]+).*/\1 \3/p' "$results" |
		 sed 's/^not ok/not_ok/')
	# KUnit keeps 512 bytes of log per case: a case that printed much may
	# have lost its own result line. The suite's verdict is never lost.
	if grep -Eq '^not ok [0-9]+ ' "$results" || ! grep -Eq '^ok [0-9]+ ' "$results"; then
		fail "kunit $suite (suite verdict)"
	else
		pass "kunit $suite (suite verdict)"
	fi
done
[ "$found" -gt 0 ] || fail "kunit: no rvti suite ran"
rmmod rvti_kunit
rmmod rvti
finish
