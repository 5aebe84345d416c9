# One fio run's line of results.jsonl (tools/bench/guest.sh, run_fio), from
# the files the run left, each read with --slurpfile (an absent one is
# /dev/null: no value): $fio (fio's JSON), $xb/$xa (aoe-xdp stat --json
# before and after), $kb/$ka (kernel_snapshot before and after), $nb/$na
# (netem's qdiscs before and after: two arrays, the bridge port's and its
# ifb's). One jq for all of it: under TCG each jq start costs a good part of
# a second.
#
# Arguments: $mtu $rep (numbers), $driver $test $unit $dir (read or write)
# $field (bw_bytes or iops) $loss (percent, or "" outside the loss round),
# $exit (fio's exit status).

# aoe-xdp: per-target counters summed over targets, after minus before;
# failed requests from the device counters; window, RTT and RTO after.
def tsum(f): [.devices[].targets[] | f] | add // 0;
def dsum(f): [.devices[] | f] | add // 0;
def tmax(f): [.devices[].targets[] | f] | max;
def xdp($b; $a):
  def delta(f): ($a | tsum(f)) - ($b | tsum(f));
  {retransmits: delta(.retransmits), timeouts: delta(.timeouts),
   false_alarms: delta(.false_alarms), errors: delta(.errors),
   early: delta(.early), overloads: delta(.overloads), reordered: delta(.reordered),
   frames: delta(.frames),
   failed_requests: (($a | dsum(.errors)) - ($b | dsum(.errors))),
   rto_us: ($a | tmax(.rto_us)), rtt_us: ($a | tmax(.rtt_us)),
   window: ($a | tmax(.maxout)), ssthresh: ($a | tmax(.ssthresh))};

# The kernel driver counts no resends: frames sent on k0 minus ATA frames
# built is their number (see kernel_snapshot).
def kernel($b; $a):
  {resends: (($a.sent - $a.built) - ($b.sent - $b.built)),
   window: $a.window, ssthresh: $a.ssthresh, debugfs_rttavg: $a.rttavg};

# Frames netem was handed and dropped, both directions together.
def netem_total: map(map(select(.kind == "netem"))[0])
  | {frames: (map(.packets + .drops) | add), dropped: (map(.drops) | add)};
def netem($b; $a):
  ($b | netem_total) as $before | ($a | netem_total) as $after
  | {netem_frames: ($after.frames - $before.frames), netem_dropped: ($after.dropped - $before.dropped)};

def both($b; $a): ($b | length) > 0 and ($a | length) > 0;

($fio[0].jobs[0] // null) as $job
| (if $exit == 0 and $job != null and $job.error == 0 then $job[$dir][$field] else null end) as $value
| {kind: "fio", mtu: $mtu, rep: $rep, driver: $driver, test: $test, unit: $unit,
   value: (if $value != null and $unit == "MB/s" then $value / 1e6 else $value end)}
  + (if $loss != "" then {loss: ($loss | tonumber)} else {} end)
  # What fio says of failed requests: the job's error (the first that
  # stopped it), its I/Os and, with --continue_on_error (the loss round),
  # how many of them failed.
  # The vCPUs the whole run kept busy (guest.sh, vm_busy), and so the
  # guest's CPU time per I/O: what a request costs the VM, both ends.
  # The target's and the daemon's own CPU time (user and system, not the
  # softirq work done for them) over the same run, per I/O alike.
  + (($job[$dir].iops // 0) as $iops
     | def per_io(t): if t != null and $seconds != null and $seconds > 0 and $iops > 0 and $value != null
         then t / $seconds / $iops * 1e6 else null end;
     {vcpus_busy: $vcpus_busy,
      cpu_us_per_io: per_io(if $vcpus_busy != null then $vcpus_busy * $seconds else null end),
      target_cpu_us_per_io: per_io(if $target_ticks != null then $target_ticks / $hz else null end),
      daemon_cpu_us_per_io: (if $driver == "aoe-xdp" and $daemon_ticks != null
        then per_io($daemon_ticks / $hz) else null end)})
  + {fio_exit: $exit, fio_error: ($job.error // null),
     total_ios: (if $job == null then null else ($job.read.total_ios // 0) + ($job.write.total_ios // 0) end),
     failed_ios: ($job.total_err // null)}
  + (if both($xb; $xa) then xdp($xb[0]; $xa[0]) else {} end)
  + (if both($kb; $ka) then kernel($kb[0]; $ka[0]) else {} end)
  + (if both($nb; $na) then netem($nb; $na) else {} end)
