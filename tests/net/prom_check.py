#!/usr/bin/python3
"""Checks OpenMetrics text with prometheus_client's own parser.

    prom_check.py FILE JSON-OUT

Parses FILE strictly (the OpenMetrics parser: families grouped, TYPE lines,
counters ending in _total, "# EOF" last) and writes what it found as JSON
for the test's jq checks: {"families": {NAME: TYPE}, "samples": [{"name",
"labels", "value"}]}. Exit 1 with the parser's complaint when it refuses.
"""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    families, samples = {}, []
    try:
        for fam in text_string_to_metric_families(text):
            families[fam.name] = fam.type
            for s in fam.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value})
    except Exception as e:  # the parser raises ValueError and others
        print(f"prom_check: {sys.argv[1]} is not valid OpenMetrics: {e}", file=sys.stderr)
        return 1
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump({"families": families, "samples": samples}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
