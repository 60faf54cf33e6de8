# Shared by the benchmark scripts (sourced, not run): wait for an idle
# machine before each step, since other work on a shared machine would be
# measured too.

# busy: percent of the machine's CPU time in use over 2 s, from /proc/stat.
busy() {
	local a b c d e f g h t1 i1
	read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
	sleep 2
	read -r _ a b c d e f g h _ </proc/stat
	echo $((100 * ((a + b + c + d + e + f + g + h - t1) - (d + e - i1)) / (a + b + c + d + e + f + g + h - t1)))
}
# quiet waits (up to ARQIR_BENCH_QUIET_WAIT seconds, default 300) until the
# machine is idle.
quiet() {
	local b waited=0
	while b=$(busy); [ "$b" -gt 10 ] && [ "$waited" -lt "${ARQIR_BENCH_QUIET_WAIT:-300}" ]; do waited=$((waited + 2)); done
	[ "$b" -le 10 ] || echo "warning: the machine is still ${b}% busy with other work: these numbers include contention"
	echo "(before the step: CPU ${b}% busy, load average $(cut -d' ' -f1-3 /proc/loadavg))"
}
