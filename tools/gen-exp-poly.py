#!/usr/bin/env python3
"""Prints the coefficients of the float64 table-driven exp's polynomial (expm1_lut_poly<F64> in
native/kernels/simd_math.h): e^r - 1 ~ r (1 + r (c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4)) on
|r| <= ln2/32 (the reduced range of a 16-entry table). Remez exchange on the absolute error of
e^r - 1 (the result is s + s (e^r - 1), so that error is relative to the result), in 50-digit
arithmetic; then checks the error with the coefficients rounded to double.
Run with Debian's python3 (mpmath comes with python3-sympy / python3-torch)."""
import mpmath as mp

mp.mp.dps = 50
H = mp.log(2) / 32
DEG = 4  # degree of the inner polynomial c2 .. c6


def f(r):  # (e^r - 1 - r) / r^2
    return (mp.expm1(r) - r) / r**2 if r != 0 else mp.mpf(1) / 2


def err(co, r):  # e^r - 1 minus the approximation
    return r**2 * (f(r) - mp.polyval(co[::-1], r))


n = DEG + 1
xs = [H * mp.cos(mp.pi * (n - i) / n) for i in range(n + 1)]
grid = [-H + 2 * H * k / 6000 for k in range(6001)]
for _ in range(40):
    a = mp.matrix([[xs[i]**2 * xs[i]**j for j in range(n)] + [(-1)**i] for i in range(n + 1)])
    b = mp.matrix([xs[i]**2 * f(xs[i]) for i in range(n + 1)])
    sol = mp.lu_solve(a, b)
    co = [sol[j] for j in range(n)]
    vals = [err(co, g) for g in grid]
    # new reference: the largest |error| in each run of one sign
    runs, cur = [], None
    for g, v in zip(grid, vals):
        s = v >= 0
        if cur is None or s != cur[0]:
            cur = [s, g, v]
            runs.append(cur)
        elif abs(v) > abs(cur[2]):
            cur[1], cur[2] = g, v
    if len(runs) < n + 1:
        break
    runs.sort(key=lambda t: -abs(t[2]))
    xs = sorted(t[1] for t in runs[:n + 1])

rounded = [mp.mpf(float(c)) for c in co]
worst = max(abs(err(rounded, g)) for g in grid)
for k, c in enumerate(rounded):
    print('c%d = %s  // %s' % (k + 2, float(c).hex(), mp.nstr(c, 20)))
print('max |error| on |r| <= ln2/32 with double coefficients: %s = 2^%s (%s ulp of 1)'
      % (mp.nstr(worst, 4), mp.nstr(mp.log(worst, 2), 4), mp.nstr(worst / mp.mpf(2)**-52, 3)))

# The tables of exp_lut_le0: 2^(j/L) rounded to nearest, as bit patterns with j << (mantissa bits - b)
# subtracted. exp_lut_le0 shifts the bits of t = n + shifter left by (mantissa bits - b), which puts
# floor(n/L) in the exponent field and leaves j = n mod L just below it; adding the biased entry
# then gives 2^(j/L) * 2^floor(n/L) exactly, with no mask to clear j first.
import struct


def table(bits, mant, b):
    n = 1 << b
    out = []
    for j in range(n):
        v = mp.power(2, mp.mpf(j) / n)
        if bits == 64:
            raw = struct.unpack('<Q', struct.pack('<d', float(v)))[0]
        else:
            raw = struct.unpack('<I', struct.pack('<f', float(v)))[0]  # float(v) is the double; re-round
            raw = struct.unpack('<I', struct.pack('<f', float(mp.nstr(v, 30))))[0]
        out.append((raw - (j << (mant - b))) % (1 << bits))
    return out


for name, bits, mant, b in (('kExp2Table16d', 64, 52, 4), ('kExp2Table16f', 32, 23, 4), ('kExp2Table8f', 32, 23, 3)):
    w = 16 if bits == 64 else 8
    vals = table(bits, mant, b)
    print('%s[%d] = {%s};' % (name, len(vals), ', '.join('0x%0*x' % (w, v) for v in vals)))
