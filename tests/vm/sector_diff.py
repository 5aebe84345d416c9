#!/usr/bin/env python3
"""sector_diff.py WANT GOT [SOURCE...]: for a test that found GOT != WANT,
list the 512-byte sectors that differ and say where GOT's content of each
comes from: zeros, a sector of WANT or of a SOURCE file, or nowhere known
(a mix). Misplaced data names the bug (an LBA/payload mix-up), a mix
names a race."""
import sys

SECTOR = 512
SHOWN_MAX = 12


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def main():
    want, got = read(sys.argv[1]), read(sys.argv[2])
    where = {}
    for name in [sys.argv[1]] + sys.argv[3:]:
        data = read(name)
        for off in range(0, len(data) - SECTOR + 1, SECTOR):
            where.setdefault(data[off:off + SECTOR], (name, off // SECTOR))
    if len(want) != len(got):
        print(f'  sizes differ: {len(want)} != {len(got)} bytes')
    bad = [off for off in range(0, min(len(want), len(got)), SECTOR)
           if want[off:off + SECTOR] != got[off:off + SECTOR]]
    print(f'  {len(bad)} sector(s) differ')
    for off in bad[:SHOWN_MAX]:
        sect = got[off:off + SECTOR]
        nbytes = sum(a != b for a, b in zip(want[off:off + SECTOR], sect))
        if not sect.strip(b'\0'):
            origin = 'zeros'
        elif sect in where:
            origin = '%s sector %d' % where[sect]
        else:
            origin = 'nowhere known (a mix?)'
        print(f'  sector {off // SECTOR} (byte {off}): {nbytes} bytes differ; holds {origin}')


if __name__ == '__main__':
    main()
