#!/usr/bin/env python3
"""Prints the three 16-entry float tables of the table-driven float log (vlog_pos in
native/kernels/dense_simd.inl): 1/c_j, and log c_j split into a float and the float nearest the
remainder. Interval j holds the floats whose bits lie in [OFF + j 2^19, OFF + (j+1) 2^19),
OFF = bits of 0.69921875; c_j is its midpoint, or 1 for the interval that holds 1."""
import decimal
import struct

decimal.getcontext().prec = 50
OFF = 0x3F330000


def f32_of_bits(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


inv, hi, lo = [], [], []
for j in range(16):
    a, b = f32_of_bits(OFF + (j << 19)), f32_of_bits(OFF + ((j + 1) << 19))
    iv = 1.0 if a <= 1.0 < b else f32(2 / (a + b))
    log_c = -decimal.Decimal(iv).ln()
    h = f32(float(log_c))
    inv.append(iv)
    hi.append(h)
    lo.append(f32(float(log_c - decimal.Decimal(h))))
for name, vals in (('kLogInvC16', inv), ('kLogCHi16', hi), ('kLogCLo16', lo)):
    print('%s = {%s};' % (name, ', '.join('%.9ef' % v for v in vals)))
