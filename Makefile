# SPDX-License-Identifier: GPL-2.0
# rvti: `make` builds kmod/rvti.ko against KDIR and the rvti tool;
# `make check` runs every test; `make demo` shows two sites joined by rvti in
# the test kernel, `make demo-ike` the same keyed by strongSwan over IKEv2;
# `make bench` measures rvti against XFRM and WireGuard in the non-debug
# test kernel (tests/bench/run.sh; BENCH_ARGS="ROUNDS SECONDS"), `make
# bench-smp` with 1 and 2 CPUs in a non-debug x86_64 kernel under qemu.
# ARCH=um (and any other ARCH) passes through to Kbuild.
KDIR ?= /lib/modules/$(shell uname -r)/build

all: kmod tool

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool:
	$(MAKE) -C userspace

check:
	bash tests/run-all.sh

# Only the KASAN stage of `make check` (RVTI_SKIP_KASAN=1 skips it there).
check-kasan:
	bash tests/run-all.sh kasan

demo:
	bash tests/demo.sh

demo-ike:
	bash tests/demo-ike.sh

bench:
	bash tests/bench/run.sh $(BENCH_ARGS)

bench-smp:
	bash tests/bench/run-smp.sh $(BENCH_ARGS)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -f kmod/*.o kmod/*.ko kmod/*.mod* kmod/.*.cmd kmod/tests/*.o \
		kmod/tests/.*.cmd kmod/modules.order kmod/Module.symvers \
		modules.order Module.symvers
	$(MAKE) -C userspace clean

.PHONY: all kmod tool check check-kasan demo demo-ike bench bench-smp clean
