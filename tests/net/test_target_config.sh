#!/bin/bash
# aoe-target's config query, asked by aoe-probe: one target serving two
# devices (e1.1 and e1.2, -b 16, --config hello) answers a broadcast once
# per device with buffer count, firmware, sector count and config string;
# a query to its shelf reaches both, one to another shelf none. Config
# string commands: test and prefix test (answered only on a match), set
# (refused over a string), force set, set when empty, each device with its
# own string, an unknown command refused.
. "$(dirname "$0")/targetlib.sh"
target_init
tgt_start main -b 16 --config hello 1.1:ram:8M 1.2:ram:4M

out=$(probe -w 300 -a config)
expect "config broadcast: e1.1 answers" \
	'^config e1\.1 .*error=0 bufcnt=16 fwver=1 scnt=2 aoever=1 ccmd=0 cslen=5 cfg=hello$' echo "$out"
expect "config broadcast: e1.2 answers" '^config e1\.2 .*bufcnt=16 .*scnt=2 .*cfg=hello$' echo "$out"
same "config broadcast: exactly two answers" 2 "$(grep -c '^config' <<<"$out")"
expect "config to shelf 1, any slot" 'e1\.2' probe -w 300 -a -t 1.255 config
expect "config to another shelf: silence" '^no answer$' probe -w 200 -t 2.1 config

expect "config test, exact match: answer" 'ccmd=1 cslen=5 cfg=hello$' probe -t 1.1 config test hello
expect "config test, no match: silence" '^no answer$' probe -w 200 -t 1.1 config test hell
expect "config prefix test: answer" 'ccmd=2 .*cfg=hello$' probe -t 1.1 config prefix hell
expect "config prefix test, no match: silence" '^no answer$' probe -w 200 -t 1.1 config prefix help
expect "config set over a string: error 4" '^config e1\.1 .*error=4 .*cfg=hello$' \
	probe -t 1.1 config set abc
expect "config force set" 'error=0 .*ccmd=4 cslen=5 cfg=world$' probe -t 1.1 config fset world
expect "config force set to empty" 'error=0 .*cslen=0 cfg=$' probe -t 1.2 config fset ""
expect "config set when empty" 'error=0 .*ccmd=3 cslen=3 cfg=abc$' probe -t 1.2 config set abc
expect "config string is per device" 'cfg=world$' probe -t 1.1 config
expect "unknown config command: AoE error 2" 'error=2 ' probe -t 1.1 config ccmd=7
tgt_stop main
net_done
