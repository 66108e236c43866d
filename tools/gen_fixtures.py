#!/usr/bin/python3
"""Generate losskit's oracle fixtures: test/fixtures/{classification,distributions,dense}.json.

Run: /usr/bin/python3 tools/gen_fixtures.py   (torch 1.13, scipy; deterministic, fixed seeds)

Every expected value is computed in float64 from the inputs exactly as stored (a float32 input is
widened exactly to float64 first). Where torch has the function, torch computes it; where losskit
goes beyond torch (label smoothing 'others', probability inputs, base, heatmap losses) the formula
is written out below and, where both exist, cross-checked against torch before a case is written.
The format is described in test/support/README.md; semantic choices made here are listed there.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy.special
import scipy.stats
import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore', category=RuntimeWarning)  # inf/NaN arithmetic is intended here
warnings.filterwarnings('ignore', message="reduction: 'mean' divides")  # kl_div 'mean' is tested on purpose
torch.set_default_dtype(torch.float64)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, 'test', 'fixtures')
NAN, INF = float('nan'), float('inf')

FLOAT_DTYPES = ('float32', 'float64')
INT_DTYPES = ('int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32')
NP_DTYPE = {'float32': np.float32, 'float64': np.float64, 'int8': np.int8, 'uint8': np.uint8,
            'int16': np.int16, 'uint16': np.uint16, 'int32': np.int32, 'uint32': np.uint32}


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------

def jf64(v):
    """A float64 as JSON: Python repr (shortest round-trip), non-finite values as strings."""
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


def jf32(v):
    """A float32 as JSON: numpy's shortest repr that round-trips in float32."""
    f = np.float32(v)
    if np.isnan(f) or np.isinf(f):
        return jf64(f)
    x = float(repr(f))
    assert np.float32(x) == f and (x != 0 or math.copysign(1, x) == math.copysign(1, float(f)))
    return x


def encode(values, dtype):
    v = np.asarray(values)
    if dtype == 'float32':
        return [jf32(x) for x in v.astype(np.float32).ravel()]
    if dtype == 'float64':
        return [jf64(x) for x in v.astype(np.float64).ravel()]
    if dtype == 'array':
        if np.issubdtype(v.dtype, np.integer):
            return [int(x) for x in v.ravel()]
        return [jf64(x) for x in v.astype(np.float64).ravel()]
    lo, hi = np.iinfo(NP_DTYPE[dtype]).min, np.iinfo(NP_DTYPE[dtype]).max
    out = [int(x) for x in v.ravel()]
    assert all(lo <= x <= hi for x in out), (dtype, out)
    return out


class A:
    """An argument stored in a fixture: values in their storage type plus how to present them."""

    def __init__(self, values, dtype, offset=0, shape=None):
        assert dtype in FLOAT_DTYPES + INT_DTYPES + ('array',)
        self.dtype, self.offset, self.shape = dtype, offset, shape
        raw = np.asarray(values)
        if dtype == 'array':
            self.v = raw.astype(np.int64) if np.issubdtype(raw.dtype, np.integer) else raw.astype(np.float64)
        elif dtype in INT_DTYPES:
            encode(raw, dtype)  # range check
            self.v = raw.astype(NP_DTYPE[dtype])
        else:
            self.v = raw.astype(np.float64).astype(NP_DTYPE[dtype])
        self.v = self.v.ravel()

    @property
    def f64(self):
        return self.v.astype(np.float64)

    @property
    def ints(self):
        return self.v.astype(np.int64)

    def t(self, *shape):
        return torch.tensor(self.f64).reshape(*shape) if shape else torch.tensor(self.f64)

    def __len__(self):
        return self.v.size

    def desc(self):
        d = {'dtype': self.dtype}
        if self.shape is not None:
            d['shape'] = list(self.shape)
        d['data'] = encode(self.v, self.dtype)
        if self.offset:
            d['offset'] = self.offset
        return d


def out_dtype(main):
    """Output arrays take the float type of the main input; number[] counts as float64."""
    return 'float32' if main.dtype == 'float32' else 'float64'


def expect_array(values, dtype):
    return {'dtype': dtype, 'data': encode(np.asarray(values, dtype=np.float64), dtype)}


def zeros_out(n, dtype, offset=0):
    return A(np.zeros(n), dtype, offset=offset)


def conv(x):
    if isinstance(x, A):
        return x.desc()
    if isinstance(x, dict):
        return {k: conv(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [conv(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return jf64(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


class Family:
    def __init__(self, name):
        self.name, self.cases, self.names = name, [], set()

    def add(self, name, fn, args, options=None, expected=None, error=None, match=None, **extra):
        assert name not in self.names, 'duplicate case name ' + name
        self.names.add(name)
        c = {'name': name, 'fn': fn, 'args': conv(list(args))}
        if options is not None:
            c['options'] = conv(options)
        if error is not None:
            c['expected'] = {'error': error, 'match': match or ''}
        elif isinstance(expected, dict):
            c['expected'] = expected
        else:
            c['expected'] = jf64(expected)
        for k, v in extra.items():
            c[k] = v
        self.cases.append(c)

    def write(self):
        os.makedirs(OUT_DIR, exist_ok=True)
        path = os.path.join(OUT_DIR, self.name + '.json')
        head = {'generator': 'tools/gen_fixtures.py', 'torch': torch.__version__, 'family': self.name}
        text = json.dumps(head, separators=(', ', ': '))[:-1] + ', "cases": [\n'
        text += ',\n'.join(json.dumps(c, separators=(',', ':'), allow_nan=False) for c in self.cases)
        text += '\n]}\n'
        with open(path, 'w') as f:
            f.write(text)
        print('%-16s %4d cases %8d bytes' % (self.name, len(self.cases), len(text)))


def reduce_(per, reduction, den=None):
    """'none' keeps per; 'sum' adds in float64; 'mean' divides by den (count by default)."""
    per = np.asarray(per, dtype=np.float64)
    if reduction == 'none':
        return per
    s = float(np.sum(per)) if per.size else 0.0
    if reduction == 'sum':
        return s
    d = per.size if den is None else den
    return s / d if d != 0 else NAN


def close(a, b, rtol=1e-12, atol=1e-12):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    same_nan = np.isnan(a) == np.isnan(b)
    fin = np.isfinite(a) & np.isfinite(b)
    ok = np.where(fin, np.abs(a - b) <= atol + rtol * np.abs(b), (a == b) | (np.isnan(a) & np.isnan(b)))
    return bool(np.all(same_nan) and np.all(ok))


LABEL_DTYPES = ['int32', 'uint8', 'int8', 'int16', 'uint16', 'uint32', 'array']


def label_dtype_for(i, K, negative=False):
    """Cycle through the integer label types, skipping those that cannot hold K-1 (or -100)."""
    for j in range(len(LABEL_DTYPES)):
        dt = LABEL_DTYPES[(i + j) % len(LABEL_DTYPES)]
        if dt == 'array' or dt == 'int32':
            return dt
        info = np.iinfo(NP_DTYPE[dt])
        if info.max >= K - 1 and (not negative or info.min <= -100):
            return dt
    return 'int32'


# ---------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------

KS = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 1000, 1001]
EPS_PROB = 1e-7


def rows_for(K):
    return 2 if K >= 1000 else (3 if K >= 31 else 4)


def log_probs(x, mode, K, S=1, eps=EPS_PROB):
    """[N*K*S] float64 numpy -> log-probabilities, laid out [N, K, S]."""
    t = torch.tensor(np.asarray(x, dtype=np.float64)).reshape(-1, K, S)
    if mode == 'logits':
        return F.log_softmax(t, dim=1).numpy()
    if mode == 'probabilities':
        # Keras: clip to [eps, 1-eps], then log; no renormalisation.
        return torch.log(torch.clamp(t, eps, 1 - eps)).numpy()
    assert mode == 'log-probabilities'
    return t.numpy()


def ce_ref(lp, labels, weight=None, ignore=-100, eps=0.0, smoothing='uniform', reduction='mean'):
    """Cross-entropy from log-probabilities lp [N, K, S] and labels [N, S], float64.

    Per sample: -sum_c w_c t_c logp_c with t the (smoothed) target; 'mean' divides by the sum of
    w[y] over non-ignored samples. This is torch's rule for label_smoothing (nll part and smooth
    part share the denominator), applied to 'others' too.
    """
    N, K, S = lp.shape
    w = np.ones(K) if weight is None else np.asarray(weight, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.int64).reshape(N, S)
    per = np.zeros((N, S))
    den = 0.0
    for n in range(N):
        for s in range(S):
            y = lab[n, s]
            if y == ignore:
                continue
            row = lp[n, :, s]
            if eps == 0:
                v = -w[y] * row[y]
            else:
                if smoothing == 'uniform':
                    t = np.full(K, eps / K)
                    t[y] += 1 - eps
                else:
                    t = np.full(K, eps / (K - 1))
                    t[y] = 1 - eps
                v = -np.sum(w * t * row)
            per[n, s] = v
            den += w[y]
    return reduce_(per.ravel(), reduction, den)


def soft_ce_ref(lp, targets, weight=None, eps=0.0, reduction='mean'):
    """Soft-target cross-entropy as torch: -(logp * t * w).sum over classes; 'mean' over N*S.
    0 * -inf is NaN here, as in torch (no 0·log0 convention for cross-entropy)."""
    N, K, S = lp.shape
    w = np.ones(K) if weight is None else np.asarray(weight, dtype=np.float64)
    t = np.asarray(targets, dtype=np.float64).reshape(N, K, S)
    if eps > 0:
        t = t * (1 - eps) + eps / K
    per = -np.sum(lp * t * w[None, :, None], axis=1)
    return reduce_(per.ravel(), reduction, N * S)


def scale(v, base):
    if base is None:
        return v
    return np.asarray(v) / math.log(base) if not isinstance(v, float) else v / math.log(base)


def gen_classification():
    fam = Family('classification')
    rng = np.random.default_rng(20240101)

    def normal(n, sd=3.0):
        return rng.normal(0, sd, n)

    # ---------------- logSumExp ----------------
    for i, K in enumerate(KS):
        for dt in FLOAT_DTYPES:
            N = rows_for(K)
            x = A(normal(N * K), dt, offset=(3 if (i + (dt == 'float64')) % 4 == 0 else 0))
            exp = torch.logsumexp(x.t(N, K), 1).numpy()
            fam.add('logSumExp/rows/K=%d/%s' % (K, dt), 'logSumExp', [x], {'classes': K},
                    expect_array(exp, out_dtype(x)))
    for n in [1, 2, 7, 17, 64, 1001]:
        for dt in FLOAT_DTYPES + ('array',):
            if dt == 'array' and n > 17:
                continue
            x = A(normal(n), dt, offset=(1 if n == 17 else 0))
            fam.add('logSumExp/whole/n=%d/%s' % (n, dt), 'logSumExp', [x], None,
                    float(torch.logsumexp(x.t(), 0)))
    # Non-finite rows: torch.logsumexp masks an infinite max (so all -inf -> -inf, +inf -> +inf,
    # +inf with -inf -> +inf) and lets NaN win over everything, including +inf.
    special = [[-INF, -INF, -INF], [INF, 1, 2], [NAN, 1, 2], [-INF, 0, 1], [INF, -INF, 0],
               [INF, NAN, 0], [NAN, -INF, -INF], [INF, INF, 1], [-INF, -INF, 5]]
    for dt in FLOAT_DTYPES:
        x = A(np.array(special).ravel(), dt)
        fam.add('logSumExp/nonfinite/K=3/%s' % dt, 'logSumExp', [x], {'classes': 3},
                expect_array(torch.logsumexp(x.t(-1, 3), 1).numpy(), out_dtype(x)))
        # the non-finite value in the SIMD tail (index 16 of 17) and in the body
        for K, pos, val in [(17, 16, INF), (17, 16, NAN), (17, 3, -INF), (9, 8, NAN), (33, 32, INF)]:
            base = normal(2 * K)
            base[pos] = val
            rowall = np.full(K, -INF)
            x = A(np.concatenate([base, rowall]), dt)
            fam.add('logSumExp/nonfinite/K=%d/pos=%d/%s/%s' % (K, pos, jf64(val), dt), 'logSumExp', [x],
                    {'classes': K}, expect_array(torch.logsumexp(x.t(-1, K), 1).numpy(), out_dtype(x)))
        for vals, tag in [([-INF] * 5, 'all-neg-inf'), ([1, INF, 2], 'pos-inf'), ([1, NAN, INF], 'nan-inf'),
                          ([-INF, 3, -INF], 'one-finite')]:
            x = A(vals, dt)
            fam.add('logSumExp/whole/nonfinite/%s/%s' % (tag, dt), 'logSumExp', [x], None,
                    float(torch.logsumexp(x.t(), 0)))
    huge = {'float32': [[3e38, 3e38, 3e38], [-3e38, -3e38, -3e38], [3e38, 0, -3e38], [3e38, 1, 2]],
            'float64': [[1e300, 1e300, 1e300], [-1e300, -1e300, -1e300], [1e300, 0, -1e300], [1.7e308, 1.7e308, 1]]}
    for dt in FLOAT_DTYPES:
        x = A(np.array(huge[dt]).ravel(), dt)
        exp = torch.logsumexp(x.t(-1, 3), 1).numpy()
        fam.add('logSumExp/huge/%s' % dt, 'logSumExp', [x], {'classes': 3}, expect_array(exp, out_dtype(x)))
    # 1.7e308 * 2 overflows if summed naively; log-sum-exp must stay finite
    x = A([1.7e308, 1.7e308], 'float64')
    fam.add('logSumExp/whole/huge/float64', 'logSumExp', [x], None, float(torch.logsumexp(x.t(), 0)))
    x = A([3e38, 3e38, 3e38], 'float32')
    fam.add('logSumExp/whole/huge/float32', 'logSumExp', [x], None, float(torch.logsumexp(x.t(), 0)))
    for dt in FLOAT_DTYPES:
        x = A([], dt)
        fam.add('logSumExp/empty/rows/%s' % dt, 'logSumExp', [x], {'classes': 4}, expect_array([], out_dtype(x)))
        # torch.logsumexp of an empty tensor is -inf (log of an empty sum)
        fam.add('logSumExp/empty/whole/%s' % dt, 'logSumExp', [x], None, float(torch.logsumexp(x.t(), 0)))
    x = A(normal(12), 'float32', offset=2)
    fam.add('logSumExp/out/float32', 'logSumExp', [x], {'classes': 4, 'out': zeros_out(3, 'float32', offset=1)},
            expect_array(torch.logsumexp(x.t(3, 4), 1).numpy(), 'float32'))
    x = A(normal(12), 'float64')
    fam.add('logSumExp/out/float64', 'logSumExp', [x], {'classes': 6, 'out': zeros_out(2, 'float64')},
            expect_array(torch.logsumexp(x.t(2, 6), 1).numpy(), 'float64'))
    x = A(normal(10), 'float64')
    fam.add('logSumExp/error/classes-not-dividing', 'logSumExp', [x], {'classes': 3},
            error='RangeError', match='classes')
    fam.add('logSumExp/error/unknown-option', 'logSumExp', [x], {'classes': 5, 'bogusOption': 1},
            error='TypeError', match='bogusOption')

    # ---------------- softmax / logSoftmax ----------------
    for fn, tf in [('softmax', F.softmax), ('logSoftmax', F.log_softmax)]:
        for i, K in enumerate(KS):
            dt = FLOAT_DTYPES[i % 2]
            for dt in ([dt] if K not in (8, 17, 1000) else FLOAT_DTYPES):
                N = rows_for(K)
                x = A(normal(N * K), dt, offset=(5 if i % 5 == 2 else 0))
                fam.add('%s/K=%d/%s' % (fn, K, dt), fn, [x], {'classes': K},
                        expect_array(tf(x.t(N, K), 1).numpy(), out_dtype(x)))
        for T in [0.5, 2.0, 10.0]:
            for dt in FLOAT_DTYPES:
                x = A(normal(3 * 7), dt)
                fam.add('%s/temperature=%g/%s' % (fn, T, dt), fn, [x], {'classes': 7, 'temperature': T},
                        expect_array(tf(x.t(3, 7) / T, 1).numpy(), out_dtype(x)))
        x = A(normal(2 * 5), 'array')
        fam.add('%s/array-input' % fn, fn, [x], {'classes': 5}, expect_array(tf(x.t(2, 5), 1).numpy(), 'float64'))
        # torch: any +inf or NaN in a row, or a row all -inf, makes the whole row NaN (x - max is
        # inf - inf or -inf + inf); a -inf entry among finite ones gives probability 0 / log -inf.
        for dt in FLOAT_DTYPES:
            x = A(np.array(special).ravel(), dt)
            fam.add('%s/nonfinite/K=3/%s' % (fn, dt), fn, [x], {'classes': 3},
                    expect_array(tf(x.t(-1, 3), 1).numpy(), out_dtype(x)))
            for K, pos, val in [(17, 16, INF), (16, 15, NAN), (9, 0, -INF)]:
                v = normal(K)
                v[pos] = val
                x = A(np.concatenate([v, np.full(K, -INF), normal(K)]), dt)
                fam.add('%s/nonfinite/K=%d/pos=%d/%s/%s' % (fn, K, pos, jf64(val), dt), fn, [x], {'classes': K},
                        expect_array(tf(x.t(-1, K), 1).numpy(), out_dtype(x)))
            # float32 rows mixing +3e38 and -3e38: x - max = -6e38 overflows float32 (torch float32
            # gives log-softmax -inf there); the float64 oracle's -6e38 also rounds to -inf in float32.
            x = A(np.array(huge[dt]).ravel(), dt)
            fam.add('%s/huge/%s' % (fn, dt), fn, [x], {'classes': 3},
                    expect_array(tf(x.t(-1, 3), 1).numpy(), out_dtype(x)))
            x = A([], dt)
            fam.add('%s/empty/%s' % (fn, dt), fn, [x], {'classes': 3}, expect_array([], out_dtype(x)))
        x = A(normal(8), 'float32', offset=3)
        fam.add('%s/out/float32' % fn, fn, [x], {'classes': 4, 'out': zeros_out(8, 'float32', offset=2)},
                expect_array(tf(x.t(2, 4), 1).numpy(), 'float32'))
        x = A(normal(9), 'float64')
        fam.add('%s/error/classes-not-dividing' % fn, fn, [x], {'classes': 4}, error='RangeError', match='classes')
        fam.add('%s/error/temperature-zero' % fn, fn, [x], {'classes': 3, 'temperature': 0},
                error='RangeError', match='temperature')
        fam.add('%s/error/unknown-option' % fn, fn, [x], {'classes': 3, 'bogusOption': True},
                error='TypeError', match='bogusOption')

    # ---------------- crossEntropy ----------------
    def ce_case(name, x, labels, K, S=1, mode='logits', weight=None, ignore=None, eps=0.0,
                smoothing=None, reduction=None, base=None, give_classes=True, out=None, check_torch=True,
                prob_eps=None, **extra):
        opts = {}
        if give_classes:
            opts['classes'] = K
        if S != 1:
            opts['spatial'] = S
        if mode != 'logits':
            opts['inputs'] = mode
        if prob_eps is not None:
            opts['epsilon'] = prob_eps
        if weight is not None:
            opts['weight'] = weight
        if ignore is not None:
            opts['ignoreIndex'] = ignore
        if eps:
            opts['labelSmoothing'] = eps
        if smoothing is not None:
            opts['smoothing'] = smoothing
        if reduction is not None:
            opts['reduction'] = reduction
        if base is not None:
            opts['base'] = base
        if out is not None:
            opts['out'] = out
        red = reduction or 'mean'
        lp = log_probs(x.f64, mode, K, S, eps=prob_eps or EPS_PROB)
        w = None if weight is None else weight.f64
        ig = -100 if ignore is None else ignore
        exp = ce_ref(lp, labels.ints, w, ig, eps, smoothing or 'uniform', red)
        if check_torch and mode == 'logits' and (smoothing or 'uniform') == 'uniform' and len(x):
            ref = F.cross_entropy(x.t(-1, K, S), torch.tensor(labels.ints).reshape(-1, S),
                                  weight=None if w is None else torch.tensor(w), ignore_index=ig,
                                  label_smoothing=eps, reduction=red)
            assert close(exp, ref.numpy().ravel() if red == 'none' else float(ref)), (name, exp, ref)
        exp = scale(exp, base)
        if red == 'none':
            exp = expect_array(exp, out_dtype(x))
        fam.add('crossEntropy/' + name, 'crossEntropy', [x, labels], opts or None, exp, **extra)

    for i, K in enumerate(KS):
        for dt in FLOAT_DTYPES:
            N = rows_for(K) + 1
            ldt = label_dtype_for(i + (dt == 'float64'), K)
            x = A(normal(N * K), dt)
            y = A(rng.integers(0, K, N), ldt)
            ce_case('logits/K=%d/%s/%s/mean' % (K, dt, ldt), x, y, K, give_classes=(i % 2 == 0))
        red = ['sum', 'none'][i % 2]
        dt = FLOAT_DTYPES[i % 2]
        N = rows_for(K)
        x = A(normal(N * K), dt, offset=(2 if i % 3 == 0 else 0))
        y = A(rng.integers(0, K, N), 'int32', offset=(1 if i % 3 == 1 else 0))
        ce_case('logits/K=%d/%s/%s' % (K, dt, red), x, y, K, reduction=red)
    # every label dtype with ignoreIndex-capable signed types carrying -100
    for j, ldt in enumerate(LABEL_DTYPES):
        K, N = 5, 6
        lab = rng.integers(0, K, N)
        if ldt in ('int8', 'int16', 'int32', 'array'):
            lab[2] = -100
        x = A(normal(N * K), FLOAT_DTYPES[j % 2])
        ce_case('labels-%s/K=5/none' % ldt, x, A(lab, ldt), K, reduction='none')
        ce_case('labels-%s/K=5/mean' % ldt, x, A(lab, ldt, offset=2), K, give_classes=False)
    # plain number[] logits
    x = A(normal(4 * 3), 'array')
    ce_case('array-input/K=3/mean', x, A(rng.integers(0, 3, 4), 'array'), 3, give_classes=False)
    ce_case('array-input/K=3/none', x, A(rng.integers(0, 3, 4), 'int32'), 3, reduction='none')
    # weights (float64 and float32, independent of the input type), with offsets
    for j, (dt, wdt) in enumerate([('float32', 'float64'), ('float64', 'float32'), ('float32', 'float32'),
                                   ('float64', 'float64')]):
        for K in (7, 16, 33):
            N = 6
            x = A(normal(N * K), dt)
            lab = rng.integers(0, K, N)
            lab[1] = -100
            y = A(lab, 'int16')
            w = A(rng.uniform(0.1, 3.0, K), wdt, offset=(j + 1) % 3)
            for red in ('mean', 'sum', 'none'):
                ce_case('weight/K=%d/%s/w-%s/%s' % (K, dt, wdt, red), x, y, K, weight=w, reduction=red)
    # ignoreIndex: default -100, a custom one inside [0, K) (torch allows it), all ignored.
    x = A(normal(5 * 4), 'float64')
    ce_case('ignore/custom-in-range/mean', x, A([0, 2, 2, 3, 1], 'int32'), 4, ignore=2)
    ce_case('ignore/custom-in-range/none', x, A([0, 2, 2, 3, 1], 'int32'), 4, ignore=2, reduction='none')
    ce_case('ignore/custom-negative/sum', x, A([0, -1, 2, 3, -1], 'int8'), 4, ignore=-1, reduction='sum')
    for dt in FLOAT_DTYPES:
        x = A(normal(3 * 4), dt)
        y = A([-100, -100, -100], 'int32')
        # torch: mean over zero non-ignored samples is 0/0 = NaN; sum is 0; none is all zeros.
        ce_case('ignore/all/%s/mean' % dt, x, y, 4)
        ce_case('ignore/all/%s/sum' % dt, x, y, 4, reduction='sum')
        ce_case('ignore/all/%s/none' % dt, x, y, 4, reduction='none')
        ce_case('ignore/all/%s/weight/mean' % dt, x, y, 4, weight=A([1, 2, 3, 4], 'float64'))
        ce_case('ignore/all/smoothing/%s/mean' % dt, x, y, 4, eps=0.1)
    # label smoothing: 'uniform' is torch's label_smoothing (checked against torch)
    for j, K in enumerate([2, 3, 7, 16, 17, 1000]):
        for dt in FLOAT_DTYPES:
            N = 3 if K == 1000 else 5
            x = A(normal(N * K), dt)
            lab = rng.integers(0, K, N)
            lab[-1] = -100
            y = A(lab, 'int32')
            eps = [0.1, 0.2, 0.05, 0.3, 0.15, 0.1][j]
            ce_case('smoothing-uniform/K=%d/%s/mean' % (K, dt), x, y, K, eps=eps,
                    smoothing=('uniform' if j % 2 else None))
            ce_case('smoothing-others/K=%d/%s/mean' % (K, dt), x, y, K, eps=eps, smoothing='others')
            if j % 2 == 0:
                ce_case('smoothing-uniform/K=%d/%s/none' % (K, dt), x, y, K, eps=eps, reduction='none')
                ce_case('smoothing-others/K=%d/%s/sum' % (K, dt), x, y, K, eps=eps, smoothing='others',
                        reduction='sum')
    for dt in FLOAT_DTYPES:
        K, N = 7, 5
        x = A(normal(N * K), dt)
        lab = rng.integers(0, K, N)
        lab[0] = -100
        y = A(lab, 'uint16' if False else 'int16')
        w = A(rng.uniform(0.2, 2, K), 'float64' if dt == 'float32' else 'float32')
        for sm in ('uniform', 'others'):
            for red in ('mean', 'sum', 'none'):
                ce_case('smoothing-%s/weight/K=7/%s/%s' % (sm, dt, red), x, y, K, weight=w, eps=0.2,
                        smoothing=sm, reduction=red)
        ce_case('smoothing-uniform/eps=1/K=7/%s' % dt, x, y, K, eps=1.0, reduction='none')
        ce_case('smoothing-others/eps=max/K=7/%s' % dt, x, y, K, eps=6 / 7, smoothing='others', reduction='none')
        ce_case('smoothing-others/eps=0/K=7/%s' % dt, x, y, K, eps=0.0, smoothing='others', reduction='none')
    # probabilities (clipped to [1e-7, 1-1e-7], then log; rows need not sum to 1) and log-probabilities
    for dt in FLOAT_DTYPES:
        for K in (3, 8, 17):
            N = 5
            p = rng.dirichlet(np.ones(K), N)
            p[0, :] = 0
            p[0, 0] = 1  # exact one-hot row: true class 1 -> clipped 1-1e-7; others 0 -> 1e-7
            p[1] *= 0.7  # does not sum to 1: used as given
            x = A(p.ravel(), dt)
            lab = rng.integers(0, K, N)
            lab[0] = 0
            lab[2] = 1
            y = A(lab, 'uint8')
            ce_case('probabilities/K=%d/%s/none' % (K, dt), x, y, K, mode='probabilities', reduction='none')
            ce_case('probabilities/K=%d/%s/mean' % (K, dt), x, y, K, mode='probabilities')
            ce_case('probabilities/smoothing/K=%d/%s/mean' % (K, dt), x, y, K, mode='probabilities', eps=0.1)
            lpv = np.log(rng.dirichlet(np.ones(K), N))
            lpv[3, 1] = -INF
            xl = A(lpv.ravel(), dt)
            ce_case('log-probabilities/K=%d/%s/none' % (K, dt), xl, y, K, mode='log-probabilities', reduction='none')
            ce_case('log-probabilities/K=%d/%s/mean' % (K, dt), xl, y, K, mode='log-probabilities',
                    weight=A(rng.uniform(0.5, 2, K), 'float64'))
            ce_case('log-probabilities/smoothing-others/K=%d/%s/sum' % (K, dt), A(np.log(rng.dirichlet(
                np.ones(K), N)).ravel(), dt), y, K, mode='log-probabilities', eps=0.1, smoothing='others',
                reduction='sum')
    x = A([0.0, 0.5, 0.5, 1.0, 0.0, 0.0, 0.3, 0.3, 0.4], 'float64')
    ce_case('probabilities/epsilon=1e-4/none', x, A([0, 0, 2], 'int32'), 3, mode='probabilities', prob_eps=1e-4,
            reduction='none')
    # spatial: logits [N, K, S] as torch's (N, C, d1); labels [N, S]
    for j, (K, S) in enumerate([(3, 4), (7, 5), (2, 16), (17, 3)]):
        for dt in FLOAT_DTYPES:
            N = 3
            x = A(normal(N * K * S), dt, offset=(1 if j % 2 else 0))
            lab = rng.integers(0, K, N * S)
            lab[1] = -100
            y = A(lab, 'int32', offset=(0 if j % 2 else 4))
            w = A(rng.uniform(0.5, 2, K), 'float64')
            ce_case('spatial/K=%d/S=%d/%s/mean' % (K, S, dt), x, y, K, S=S)
            ce_case('spatial/K=%d/S=%d/%s/none' % (K, S, dt), x, y, K, S=S, reduction='none')
            ce_case('spatial/K=%d/S=%d/%s/weight/mean' % (K, S, dt), x, y, K, S=S, weight=w)
            ce_case('spatial/K=%d/S=%d/%s/smoothing/sum' % (K, S, dt), x, y, K, S=S, eps=0.1, reduction='sum')
    # base: every log-domain result divided by ln(base)
    for base in (2, 10, 0.5, 3.7):
        for dt in FLOAT_DTYPES:
            x = A(normal(4 * 5), dt)
            y = A(rng.integers(0, 5, 4), 'int32')
            ce_case('base=%g/%s/mean' % (base, dt), x, y, 5, base=base)
            ce_case('base=%g/%s/none' % (base, dt), x, y, 5, base=base, reduction='none')
    x = A(rng.dirichlet(np.ones(4), 3).ravel(), 'float32')
    ce_case('base=2/probabilities/smoothing-others/sum', x, A([0, 3, 1], 'int32'), 4, mode='probabilities', eps=0.2,
            smoothing='others', base=2, reduction='sum')
    # non-finite logits: torch gives NaN for a row with +inf or NaN or all -inf; a -inf logit on the
    # true class gives +inf, on another class it is simply probability 0.
    for dt in FLOAT_DTYPES:
        rows = [[-INF, -INF, -INF], [INF, 1, 2], [NAN, 1, 2], [-INF, 0, 1], [-INF, 0, 1], [INF, -INF, 0],
                [INF, INF, 1], [1, 2, NAN]]
        x = A(np.array(rows).ravel(), dt)
        y = A([0, 1, 1, 0, 2, 2, 2, 0], 'int32')
        ce_case('nonfinite/K=3/%s/none' % dt, x, y, 3, reduction='none')
        ce_case('nonfinite/K=3/%s/mean' % dt, x, y, 3)
        ce_case('nonfinite/-inf-rows-only/%s/sum' % dt, A(np.array(rows[3:5]).ravel(), dt), A([1, 2], 'int32'), 3,
                reduction='sum')
        ce_case('nonfinite/-inf-true-class/%s/mean' % dt, A(np.array(rows[3:5]).ravel(), dt), A([0, 2], 'int32'), 3)
        # an ignored row's non-finite logits do not touch the result
        ce_case('nonfinite/ignored-row/%s/mean' % dt, x, A([-100, -100, -100, 1, 2, -100, -100, -100], 'int32'), 3)
        ce_case('nonfinite/smoothing/%s/none' % dt, x, y, 3, eps=0.1, reduction='none')
        # the non-finite value in a SIMD tail lane
        for K, pos, val in [(17, 16, INF), (9, 8, NAN), (33, 32, -INF)]:
            v = normal(2 * K)
            v[pos] = val
            ce_case('nonfinite/K=%d/pos=%d/%s/%s/none' % (K, pos, jf64(val), dt), A(v, dt),
                    A([5, pos if val == -INF else 3], 'int32'), K, reduction='none')
    # huge magnitudes. float32: no row mixes +3e38 and -3e38 in a reduction, because x - max
    # overflows float32 (torch float32 gives inf where the float64 oracle gives 6e38).
    x = A([3e38, 1, -5, 3e38, 3e38, 0, -3e38, -3e38, -3e38, -3e38, 2, 1], 'float32')
    y = A([0, 1, 2, 1], 'int32')
    ce_case('huge/float32/none', x, y, 3, reduction='none')
    ce_case('huge/float32/sum', x, y, 3, reduction='sum')
    ce_case('huge/float32/mixed-sign/none', A([3e38, -3e38, 0, 3e38, -3e38, 0], 'float32'), A([0, 1], 'int32'), 3,
            reduction='none')
    x = A([1e300, 0, -1e300, 1e300, 1e300, 1e300, -1e300, -1e300, 5, 1.7e308, -1.7e308, 0], 'float64')
    y = A([0, 2, 1, 2], 'int32')
    ce_case('huge/float64/none', x, y, 3, reduction='none')
    ce_case('huge/float64/mean', A(x.f64[:9], 'float64'), A([0, 2, 1], 'int32'), 3)
    # empty inputs (torch: mean NaN, sum 0, none empty)
    for dt in FLOAT_DTYPES:
        for red in ('mean', 'sum', 'none'):
            ce_case('empty/%s/%s' % (dt, red), A([], dt), A([], 'int32'), 4, reduction=red, check_torch=False)
    # out
    x = A(normal(3 * 5), 'float32')
    ce_case('out/float32', x, A([1, 4, 0], 'int32'), 5, reduction='none', out=zeros_out(3, 'float32', offset=3))
    x = A(normal(3 * 5), 'float64', offset=1)
    ce_case('out/float64', x, A([1, 4, 0], 'int32'), 5, reduction='none', out=zeros_out(3, 'float64'))
    # errors
    x = A(normal(4 * 3), 'float64')

    def ce_err(name, x, y, opts, err, match):
        fam.add('crossEntropy/error/' + name, 'crossEntropy', [x, y], opts, error=err, match=match)

    ce_err('label-out-of-range', x, A([0, 1, 2, 3], 'int32'), {'classes': 3}, 'RangeError', r'labels\[3\]')
    ce_err('label-out-of-range-uint8', x, A([0, 9, 2, 1], 'uint8'), {'classes': 3}, 'RangeError', r'labels\[1\]')
    ce_err('label-negative-not-ignored', x, A([0, -1, 2, 1], 'int8'), {'classes': 3}, 'RangeError', r'labels\[1\]')
    ce_err('label-negative-other-ignore', x, A([0, -100, 2, 1], 'int32'), {'classes': 3, 'ignoreIndex': -1},
           'RangeError', r'labels\[1\]')
    ce_err('label-out-of-range-spatial', A(normal(2 * 3 * 2), 'float32'), A([0, 1, 2, 5], 'int32'),
           {'classes': 3, 'spatial': 2}, 'RangeError', r'labels\[3\]')
    ce_err('classes-not-dividing', A(normal(10), 'float64'), A([0, 1, 2], 'int32'), None, 'RangeError', '')
    ce_err('classes-mismatch', A(normal(10), 'float64'), A([0, 1, 2], 'int32'), {'classes': 3}, 'RangeError', '')
    ce_err('unknown-option', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'bogusOption': 1}, 'TypeError',
           'bogusOption')
    ce_err('labelSmoothing-above-1', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'labelSmoothing': 1.5},
           'RangeError', 'labelSmoothing')
    ce_err('labelSmoothing-negative', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'labelSmoothing': -0.1},
           'RangeError', 'labelSmoothing')
    ce_err('others-above-max', x, A([0, 1, 2, 1], 'int32'),
           {'classes': 3, 'labelSmoothing': 0.7, 'smoothing': 'others'}, 'RangeError', 'labelSmoothing')
    ce_err('unknown-smoothing', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'labelSmoothing': 0.1,
                                                               'smoothing': 'bogus'}, 'RangeError', 'smoothing')
    ce_err('unknown-inputs', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'inputs': 'bogus'}, 'RangeError', 'inputs')
    ce_err('weight-wrong-length', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'weight': A([1, 2], 'float64')},
           'RangeError', 'weight')
    ce_err('base-one', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'base': 1}, 'RangeError', 'base')
    ce_err('base-negative', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'base': -2}, 'RangeError', 'base')
    ce_err('unknown-reduction', x, A([0, 1, 2, 1], 'int32'), {'classes': 3, 'reduction': 'batchmean'},
           'RangeError', 'reduction')
    ce_err('labels-float-array', x, A([0.0, 1.0, 2.0, 1.0], 'float32'), {'classes': 3}, 'TypeError', 'labels')

    # ---------------- softCrossEntropy ----------------
    def sce_case(name, x, tg, K, S=1, mode='logits', weight=None, eps=0.0, reduction=None, base=None, out=None):
        opts = {'classes': K}
        if S != 1:
            opts['spatial'] = S
        if mode != 'logits':
            opts['inputs'] = mode
        if weight is not None:
            opts['weight'] = weight
        if eps:
            opts['labelSmoothing'] = eps
        if reduction is not None:
            opts['reduction'] = reduction
        if base is not None:
            opts['base'] = base
        if out is not None:
            opts['out'] = out
        red = reduction or 'mean'
        lp = log_probs(x.f64, mode, K, S)
        w = None if weight is None else weight.f64
        exp = soft_ce_ref(lp, tg.f64, w, eps, red)
        if mode == 'logits' and len(x):
            ref = F.cross_entropy(x.t(-1, K, S), tg.t(-1, K, S), weight=None if w is None else torch.tensor(w),
                                  label_smoothing=eps, reduction=red)
            assert close(exp, ref.numpy().ravel() if red == 'none' else float(ref)), (name, exp, ref)
        exp = scale(exp, base)
        if red == 'none':
            exp = expect_array(exp, out_dtype(x))
        fam.add('softCrossEntropy/' + name, 'softCrossEntropy', [x, tg], opts, exp)

    for i, K in enumerate([1, 2, 3, 7, 8, 9, 16, 17, 33, 1001]):
        dt = FLOAT_DTYPES[i % 2]
        tdt = FLOAT_DTYPES[(i // 2) % 2]
        N = 2 if K > 1000 else 4
        x = A(normal(N * K), dt, offset=(1 if i % 3 == 0 else 0))
        tg = A(rng.dirichlet(np.ones(K), N).ravel(), tdt, offset=(2 if i % 3 == 1 else 0))
        sce_case('K=%d/%s/t-%s/mean' % (K, dt, tdt), x, tg, K)
        sce_case('K=%d/%s/t-%s/%s' % (K, dt, tdt, ['sum', 'none'][i % 2]), x, tg, K, reduction=['sum', 'none'][i % 2])
    for dt in FLOAT_DTYPES:
        K, N = 5, 4
        x = A(normal(N * K), dt)
        tg = A(rng.dirichlet(np.ones(K), N).ravel(), 'float32')
        w = A(rng.uniform(0.3, 2, K), 'float64', offset=1)
        for red in ('mean', 'sum', 'none'):
            sce_case('weight/%s/%s' % (dt, red), x, tg, K, weight=w, reduction=red)
            sce_case('smoothing/%s/%s' % (dt, red), x, tg, K, eps=0.1, reduction=red)
        sce_case('weight+smoothing/%s/mean' % dt, x, tg, K, weight=w, eps=0.25)
        # targets that do not sum to 1 (used as given)
        sce_case('unnormalised-targets/%s/none' % dt, x, A(rng.uniform(0, 1, N * K), dt), K, reduction='none')
        for base in (2, 10):
            sce_case('base=%d/%s/mean' % (base, dt), x, tg, K, base=base)
        p = rng.dirichlet(np.ones(K), N)
        sce_case('probabilities/%s/none' % dt, A(p.ravel(), dt), tg, K, mode='probabilities', reduction='none')
        sce_case('log-probabilities/%s/mean' % dt, A(np.log(p).ravel(), dt), tg, K, mode='log-probabilities')
        for K2, S in [(3, 4), (4, 7)]:
            xs = A(normal(2 * K2 * S), dt)
            ts = torch.softmax(torch.tensor(normal(2 * K2 * S)).reshape(2, K2, S), 1).numpy().ravel()
            sce_case('spatial/K=%d/S=%d/%s/mean' % (K2, S, dt), xs, A(ts, 'float64'), K2, S=S)
            sce_case('spatial/K=%d/S=%d/%s/none' % (K2, S, dt), xs, A(ts, 'float32'), K2, S=S, reduction='none')
        # non-finite: a -inf logit with target 0 gives 0 * -inf = NaN in torch (no 0·log0 rule here);
        # with a positive target it gives +inf; +inf / NaN rows give NaN.
        rows = [[-INF, 0, 1], [-INF, 0, 1], [INF, 0, 1], [NAN, 0, 1], [-INF, -INF, -INF]]
        tg_rows = [[0, 0.5, 0.5], [0.2, 0.3, 0.5], [0, 0, 1], [0, 1, 0], [0, 0, 1]]
        sce_case('nonfinite/%s/none' % dt, A(np.array(rows).ravel(), dt), A(np.array(tg_rows).ravel(), 'float64'), 3,
                 reduction='none')
        sce_case('empty/%s/mean' % dt, A([], dt), A([], dt), 3)
        sce_case('empty/%s/sum' % dt, A([], dt), A([], dt), 3, reduction='sum')
        sce_case('empty/%s/none' % dt, A([], dt), A([], dt), 3, reduction='none')
    x = A(normal(6), 'array')
    sce_case('array-input/none', x, A([0.2, 0.3, 0.5, 1, 0, 0], 'array'), 3, reduction='none')
    x = A(normal(6), 'float32')
    sce_case('out/float32', x, A([0.2, 0.3, 0.5, 1, 0, 0], 'float32'), 3, reduction='none',
             out=zeros_out(2, 'float32', offset=1))
    fam.add('softCrossEntropy/error/targets-length', 'softCrossEntropy', [x, A([0.5, 0.5], 'float32')], {'classes': 3},
            error='RangeError', match='targets')
    fam.add('softCrossEntropy/error/unknown-option', 'softCrossEntropy', [x, A(np.ones(6) / 3, 'float32')],
            {'classes': 3, 'ignoreIndex': -100}, error='TypeError', match='ignoreIndex')
    fam.add('softCrossEntropy/error/labelSmoothing-above-1', 'softCrossEntropy', [x, A(np.ones(6) / 3, 'float32')],
            {'classes': 3, 'labelSmoothing': 2}, error='RangeError', match='labelSmoothing')
    fam.add('softCrossEntropy/error/classes-not-dividing', 'softCrossEntropy', [x, A(np.ones(6) / 3, 'float32')],
            {'classes': 4}, error='RangeError', match='')
    return fam


# ---------------------------------------------------------------------------------------------
# Distributions
# ---------------------------------------------------------------------------------------------

def kl_terms(p, logq):
    """p (log p - log q) with 0·log 0 = 0: a zero p contributes 0 whatever q is (API.md), where
    torch.kl_div gives NaN for p = 0, log q = -inf. NaN in either propagates; p > 0 with q = 0 is +inf."""
    p = np.asarray(p, dtype=np.float64)
    logq = np.asarray(logq, dtype=np.float64)
    out = p * (np.log(np.where(p > 0, p, 1.0)) - logq)
    out = np.where(p == 0, 0.0, out)
    return np.where(np.isnan(p) | np.isnan(logq), NAN, out)


def q_log(q, mode, K):
    q = np.asarray(q, dtype=np.float64).reshape(-1, K)
    if mode == 'probabilities':
        return np.log(q)  # no clipping: q = 0 gives -inf, so p > 0 there gives +inf
    if mode == 'logits':
        return F.log_softmax(torch.tensor(q), 1).numpy()
    return q


def gen_distributions():
    fam = Family('distributions')
    rng = np.random.default_rng(20240202)

    def dirichlet(N, K, a=1.0):
        return rng.dirichlet(np.full(K, a), N)

    # ---------------- klDivergence ----------------
    def kl_case(name, p, q, K, mode, reduction=None, base=None):
        opts = {'classes': K, 'inputs': mode}
        if reduction is not None:
            opts['reduction'] = reduction
        if base is not None:
            opts['base'] = base
        red = reduction or 'batchmean'
        P = p.f64.reshape(-1, K)
        LQ = q_log(q.f64, mode, K)
        terms = kl_terms(P, LQ)
        N = P.shape[0]
        rows = terms.sum(axis=1) if N else np.zeros(0)
        if red == 'none':
            exp = rows
        elif red == 'sum':
            exp = float(terms.sum())
        elif red == 'batchmean':
            exp = float(terms.sum()) / N if N else NAN
        else:  # 'mean': over all N*K elements, as torch.kl_div
            exp = float(terms.sum()) / terms.size if terms.size else NAN
        if N and np.all(P > 0) and np.all(np.isfinite(LQ)):
            ref = F.kl_div(torch.tensor(LQ), torch.tensor(P), reduction='sum' if red == 'none' else red,
                           log_target=False)
            if red != 'none':
                assert close(exp, float(ref)), (name, exp, ref)
        exp = scale(exp, base)
        if red == 'none':
            exp = expect_array(exp, out_dtype(p))
        fam.add('klDivergence/' + name, 'klDivergence', [p, q], opts, exp)

    for i, K in enumerate([1, 2, 3, 7, 8, 9, 16, 17, 33, 1000]):
        N = 2 if K == 1000 else 4
        dt = FLOAT_DTYPES[i % 2]
        qdt = FLOAT_DTYPES[(i // 2) % 2]
        p = A(dirichlet(N, K).ravel(), dt, offset=(1 if i % 3 == 0 else 0))
        qp = dirichlet(N, K)
        for mode, qv in [('probabilities', qp), ('log-probabilities', np.log(qp)), ('logits', rng.normal(0, 2, (N, K)))]:
            q = A(qv.ravel(), qdt, offset=(2 if i % 3 == 1 else 0))
            kl_case('K=%d/%s/q-%s/%s/batchmean' % (K, dt, qdt, mode), p, q, K, mode)
        kl_case('K=%d/%s/q-%s/probabilities/none' % (K, dt, qdt), p, A(qp.ravel(), qdt), K, 'probabilities', 'none')
    for dt in FLOAT_DTYPES:
        K, N = 5, 4
        p = A(dirichlet(N, K).ravel(), dt)
        q = A(dirichlet(N, K).ravel(), 'float64')
        for red in ('batchmean', 'sum', 'mean', 'none'):
            kl_case('reduction/%s/%s' % (dt, red), p, q, K, 'probabilities', red)
        kl_case('reduction/%s/default' % dt, p, q, K, 'probabilities', None)
        for base in (2, 10):
            kl_case('base=%d/%s/sum' % (base, dt), p, q, K, 'probabilities', 'sum', base)
        # zeros: p = 0 terms vanish (even where q = 0 / log q = -inf); p > 0 where q = 0 -> +inf
        P = np.array([[0.5, 0.5, 0, 0], [0.25, 0.25, 0.5, 0], [0, 0, 1, 0], [0.5, 0.5, 0, 0]])
        Q = np.array([[0.5, 0.25, 0.25, 0], [0.5, 0.5, 0, 0], [0.25, 0.25, 0.25, 0.25], [0, 0, 0.5, 0.5]])
        kl_case('zeros/%s/probabilities/none' % dt, A(P.ravel(), dt), A(Q.ravel(), dt), 4, 'probabilities', 'none')
        kl_case('zeros/%s/log-probabilities/none' % dt, A(P.ravel(), dt), A(np.log(Q).ravel(), dt), 4,
                'log-probabilities', 'none')
        kl_case('zeros/%s/probabilities/batchmean' % dt, A(P[:3].ravel(), dt), A(Q[:1].repeat(3, 0).ravel(), dt), 4,
                'probabilities')
        # rows that do not sum to 1 are used as given (torch semantics, no renormalisation)
        kl_case('unnormalised/%s/none' % dt, A(rng.uniform(0, 1, 12), dt), A(rng.uniform(0.1, 1, 12), dt), 3,
                'probabilities', 'none')
        kl_case('nan/%s/none' % dt, A([0.5, NAN, 0.5, 0.2, 0.8, 0], dt), A([0.3, 0.3, 0.4, 0.5, 0.5, NAN], dt), 3,
                'probabilities', 'none')
        kl_case('logits-nonfinite/%s/none' % dt, A([0.2, 0.3, 0.5, 0.2, 0.3, 0.5, 0, 0, 1], dt),
                A([-INF, 0, 1, INF, 0, 1, -INF, -INF, 0], dt), 3, 'logits', 'none')
        for red in ('batchmean', 'sum', 'mean', 'none'):
            kl_case('empty/%s/%s' % (dt, red), A([], dt), A([], dt), 3, 'probabilities', red)
    kl_case('array-input/none', A([0.1, 0.9, 0.5, 0.5], 'array'), A([0.5, 0.5, 0.9, 0.1], 'array'), 2,
            'probabilities', 'none')
    x = A([0.5, 0.5, 0.5, 0.5], 'float64')
    fam.add('klDivergence/error/length-mismatch', 'klDivergence', [x, A([0.5, 0.5], 'float64')],
            {'classes': 2, 'inputs': 'probabilities'}, error='RangeError', match='')
    fam.add('klDivergence/error/unknown-reduction', 'klDivergence', [x, x], {'classes': 2, 'reduction': 'avg'},
            error='RangeError', match='reduction')
    fam.add('klDivergence/error/unknown-option', 'klDivergence', [x, x], {'classes': 2, 'ignoreIndex': 0},
            error='TypeError', match='ignoreIndex')

    # ---------------- entropy ----------------
    def ent_case(name, p, K, mode, base=None, out=None):
        opts = {'classes': K, 'inputs': mode}
        if base is not None:
            opts['base'] = base
        if out is not None:
            opts['out'] = out
        P = p.f64.reshape(-1, K)
        if mode == 'probabilities':
            rows = scipy.special.entr(P).sum(axis=1)  # -p log p with 0 log 0 = 0; no renormalisation
            norm = np.all(np.isfinite(P)) and p.dtype == 'float64' and np.allclose(P.sum(axis=1), 1) and np.all(P >= 0)
            if P.shape[0] and norm:
                assert close(rows, scipy.stats.entropy(P, axis=1), 1e-12, 1e-13), name
        else:
            LP = P if mode == 'log-probabilities' else F.log_softmax(torch.tensor(P), 1).numpy()
            # -sum exp(lp) lp; a -inf log-probability contributes 0 (0 log 0)
            t = np.exp(LP) * LP
            t = np.where(np.isneginf(LP), 0.0, t)
            rows = -t.sum(axis=1)
        fam.add('entropy/' + name, 'entropy', [p], opts, expect_array(scale(rows, base), out_dtype(p)))

    for i, K in enumerate([1, 2, 3, 7, 8, 9, 16, 17, 33, 1001]):
        N = 2 if K > 1000 else 4
        dt = FLOAT_DTYPES[i % 2]
        P = dirichlet(N, K, 0.5)
        ent_case('K=%d/%s/probabilities' % (K, dt), A(P.ravel(), dt, offset=(i % 3)), K, 'probabilities')
        ent_case('K=%d/%s/log-probabilities' % (K, dt), A(np.log(P).ravel(), dt), K, 'log-probabilities')
        ent_case('K=%d/%s/logits' % (K, dt), A(rng.normal(0, 3, N * K), dt), K, 'logits')
    for dt in FLOAT_DTYPES:
        P = np.array([[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0.25] * 4, [0, 0, 0, 0], [0.3, 0.3, 0.3, 0.3]])
        ent_case('zeros/%s/probabilities' % dt, A(P.ravel(), dt), 4, 'probabilities')
        with np.errstate(divide='ignore'):
            ent_case('zeros/%s/log-probabilities' % dt, A(np.log(P[:3]).ravel(), dt), 4, 'log-probabilities')
        for base in (2, 10):
            ent_case('base=%d/%s' % (base, dt), A(P.ravel(), dt), 4, 'probabilities', base=base)
        ent_case('logits-nonfinite/%s' % dt, A([-INF, 0, 1, -INF, -INF, 3, INF, 0, 0, NAN, 0, 0], dt), 3, 'logits')
        ent_case('nan/%s' % dt, A([0.5, NAN, 0.5, 0.5, 0.5, 0], dt), 3, 'probabilities')
        ent_case('empty/%s' % dt, A([], dt), 3, 'probabilities')
    ent_case('array-input', A([0.1, 0.9, 0.5, 0.5], 'array'), 2, 'probabilities')
    ent_case('out/float32', A([0.1, 0.9, 0.5, 0.5], 'float32'), 2, 'probabilities', out=zeros_out(2, 'float32', 1))
    fam.add('entropy/error/classes-not-dividing', 'entropy', [A([0.5, 0.5, 1], 'float32')], {'classes': 2},
            error='RangeError', match='classes')
    fam.add('entropy/error/base-zero', 'entropy', [A([0.5, 0.5], 'float32')], {'classes': 2, 'base': 0},
            error='RangeError', match='base')

    # ---------------- smoothLabels ----------------
    def smooth_case(name, labels, K, eps, smoothing=None):
        opts = {'classes': K, 'epsilon': eps}
        if smoothing is not None:
            opts['smoothing'] = smoothing
        lab = labels.ints
        if (smoothing or 'uniform') == 'uniform':
            T = np.full((lab.size, K), eps / K)
            T[np.arange(lab.size), lab] += 1 - eps
        else:
            T = np.full((lab.size, K), eps / (K - 1) if K > 1 else 0.0)
            T[np.arange(lab.size), lab] = 1 - eps
        fam.add('smoothLabels/' + name, 'smoothLabels', [labels], opts, expect_array(T.ravel(), 'float32'))

    for j, (K, eps) in enumerate([(1, 0.1), (2, 0.1), (3, 0.2), (7, 0.05), (10, 0.1), (17, 0.3), (1000, 0.1)]):
        ldt = label_dtype_for(j, K)
        labels = A(rng.integers(0, K, 5), ldt, offset=(j % 2) * 3)
        smooth_case('uniform/K=%d/%s' % (K, ldt), labels, K, eps, None if j % 2 else 'uniform')
        if K > 1:
            smooth_case('others/K=%d/%s' % (K, ldt), labels, K, eps, 'others')
    smooth_case('uniform/eps=0', A([0, 2, 1], 'int32'), 3, 0.0)
    smooth_case('uniform/eps=1', A([0, 2, 1], 'int32'), 3, 1.0)
    smooth_case('others/eps=max', A([0, 2, 1], 'int32'), 3, 2 / 3, 'others')
    smooth_case('empty', A([], 'int32'), 3, 0.1)
    fam.add('smoothLabels/error/label-out-of-range', 'smoothLabels', [A([0, 1, 3], 'int32')],
            {'classes': 3, 'epsilon': 0.1}, error='RangeError', match=r'labels\[2\]')
    fam.add('smoothLabels/error/epsilon-above-1', 'smoothLabels', [A([0, 1], 'int32')],
            {'classes': 3, 'epsilon': 1.5}, error='RangeError', match='epsilon')
    fam.add('smoothLabels/error/others-above-max', 'smoothLabels', [A([0, 1], 'int32')],
            {'classes': 3, 'epsilon': 0.8, 'smoothing': 'others'}, error='RangeError', match='epsilon')

    # ---------------- empiricalDistribution ----------------
    def emp_case(name, samples, K):
        s = samples.ints
        counts = np.bincount(s, minlength=K).astype(np.float64)
        exp = counts / s.size if s.size else np.full(K, NAN)  # counts / N; N = 0 gives 0/0 = NaN
        fam.add('empiricalDistribution/' + name, 'empiricalDistribution', [samples], {'classes': K},
                expect_array(exp, 'float64'))

    for j, K in enumerate([1, 2, 3, 7, 16, 17, 300]):
        ldt = label_dtype_for(j, K)
        emp_case('K=%d/%s' % (K, ldt), A(rng.integers(0, K, 3 * K + 5), ldt, offset=(j % 2) * 2), K)
    emp_case('unseen-classes', A([0, 0, 4, 4, 4], 'uint8'), 6)
    emp_case('empty', A([], 'int32'), 3)
    fam.add('empiricalDistribution/error/out-of-range', 'empiricalDistribution', [A([0, 1, 5, 2], 'int32')],
            {'classes': 3}, error='RangeError', match=r'\[2\]')
    fam.add('empiricalDistribution/error/negative', 'empiricalDistribution', [A([0, -1], 'int8')],
            {'classes': 3}, error='RangeError', match=r'\[1\]')
    return fam


# ---------------------------------------------------------------------------------------------
# Dense: binary, focal, heatmaps, MSE
# ---------------------------------------------------------------------------------------------

def softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def sigmoid_focal_ref(x, t, alpha=0.25, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss (RetinaNet), per element, in float64 log space:
    ce = BCE-with-logits = softplus(x) - t x; 1 - p_t = t sigmoid(-x) + (1 - t) sigmoid(x);
    loss = alpha_t (1 - p_t)^gamma ce with alpha_t = alpha t + (1 - alpha)(1 - t), skipped if alpha < 0."""
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    ce = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
    one_minus_pt = t * scipy.special.expit(-x) + (1 - t) * scipy.special.expit(x)
    loss = ce * one_minus_pt ** gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss


def heatmap_terms(pred, gt, mode, alpha=2.0, beta=4.0):
    """CornerNet's _neg_loss re-implemented per pixel: returns (loss, is_positive).
    Positives gt == 1: -(1-p)^alpha log p. Others (gt < 1): -(1-gt)^beta p^alpha log(1-p).
    'probabilities' clamps p to [1e-4, 1-1e-4] (CornerNet clamps its sigmoid output so); 'logits'
    uses log p = -softplus(-x), log(1-p) = -softplus(x) exactly."""
    x = np.asarray(pred, dtype=np.float64)
    g = np.asarray(gt, dtype=np.float64)
    if mode == 'probabilities':
        p = np.clip(x, 1e-4, 1 - 1e-4)
        q = 1 - p
        logp, logq = np.log(p), np.log(q)
    else:
        p, q = scipy.special.expit(x), scipy.special.expit(-x)
        logp, logq = -softplus(-x), -softplus(x)
    pos = g == 1
    neg = g < 1
    pos_loss = np.where(pos, -logp * q ** alpha, 0.0)
    neg_loss = np.where(neg, -logq * p ** alpha * (1 - g) ** beta, 0.0)
    # NaN inputs propagate (np.where would hide a NaN gt)
    bad = np.isnan(x) | np.isnan(g)
    return np.where(bad, NAN, pos_loss + neg_loss), pos


def heatmap_reduce(loss, pos, reduction, batch=None):
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return float(loss.sum())
    if reduction == 'mean':
        n = int(pos.sum())
        return float(loss.sum()) / n if n else float(loss.sum())  # no positives: the negative sum
    assert reduction == 'per-sample'
    L, P = loss.reshape(batch, -1), pos.reshape(batch, -1)
    return np.array([heatmap_reduce(L[b], P[b], 'mean') for b in range(batch)])


def cornernet_neg_loss_torch(pred, gt):
    """Direct transcription of the algorithm in torch (alpha 2, beta 4) for the cross-check."""
    pos_inds = gt.eq(1).double()
    neg_inds = gt.lt(1).double()
    neg_weights = torch.pow(1 - gt, 4)
    pos_loss = (torch.log(pred) * torch.pow(1 - pred, 2) * pos_inds).sum()
    neg_loss = (torch.log(1 - pred) * torch.pow(pred, 2) * neg_weights * neg_inds).sum()
    num_pos = pos_inds.sum()
    return float(-neg_loss) if num_pos == 0 else float(-(pos_loss + neg_loss) / num_pos)


def gaussian_radius(h, w, o, variant):
    """Largest corner displacement r that keeps IoU >= o. Three cases, each a quadratic
    a r^2 + b r + c = 0 (CornerNet, Law & Deng 2018, section 3.2):
      one corner inside, one outside: (h-r)(w-r) / (2hw - (h-r)(w-r)) = o
          -> r^2 - (h+w) r + hw (1-o)/(1+o) = 0, smaller root
      both inside:  (h-2r)(w-2r) / hw = o   -> 4 r^2 - 2(h+w) r + (1-o) hw = 0, smaller root
      both outside: hw / ((h+2r)(w+2r)) = o -> 4o r^2 + 2o(h+w) r - (1-o) hw = 0, positive root
    'cornernet' (the corrected formula, mmdetection's gaussian_radius) takes those roots.
    'centernet' reproduces the earlier code CenterNet still ships: (-b + sqrt(b^2 - 4ac)) / 2 for all
    three (the larger root, and not divided by a)."""
    quads = [(1.0, -(h + w), w * h * (1 - o) / (1 + o)),
             (4.0, -2.0 * (h + w), (1 - o) * w * h),
             (4.0 * o, 2.0 * o * (h + w), -(1 - o) * w * h)]
    rs = []
    for i, (a, b, c) in enumerate(quads):
        sq = math.sqrt(b * b - 4 * a * c)
        if variant == 'centernet':
            rs.append((-b + sq) / 2)
        elif i < 2:
            rs.append(2 * c / (-b + sq) if c != 0 else 0.0)  # smaller root, without cancellation
        else:
            rs.append((-b + sq) / (2 * a))
    return min(rs)


def gaussian_kernel(radius):
    """CenterNet's gaussian2D for diameter 2r+1 with sigma = diameter / 6; values below
    float64 eps * max are zeroed (never happens for this sigma: the corner is exp(-9)-ish)."""
    d = 2 * radius + 1
    sigma = d / 6.0
    yy, xx = np.mgrid[-radius:radius + 1, -radius:radius + 1].astype(np.float64)
    h = np.exp(-(xx * xx + yy * yy) / (2 * sigma * sigma))
    h[h < np.finfo(np.float64).eps * h.max()] = 0
    return h


def draw_ref(hm, H, W, x, y, radius, k=1.0):
    """draw_umich_gaussian: max-combine k * kernel centred at integer (x, y), clipped at the borders
    (a centre outside the map draws the part of the kernel that reaches inside)."""
    hm = np.array(hm, dtype=np.float64).reshape(H, W)
    g = gaussian_kernel(radius) * k
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            yy, xx = y + dy, x + dx
            if 0 <= yy < H and 0 <= xx < W:
                hm[yy, xx] = max(hm[yy, xx], g[dy + radius, dx + radius])
    return hm.ravel()


def draw_umich_check(hm, H, W, x, y, radius, k=1.0):
    """The slicing form of CenterNet's draw_umich_gaussian, for centres inside the map."""
    hm = np.array(hm, dtype=np.float64).reshape(H, W)
    g = gaussian_kernel(radius)
    left, right = min(x, radius), min(W - x, radius + 1)
    top, bottom = min(y, radius), min(H - y, radius + 1)
    mh = hm[y - top:y + bottom, x - left:x + right]
    mg = g[radius - top:radius + bottom, radius - left:radius + right]
    np.maximum(mh, mg * k, out=mh)
    return hm.ravel()


def gen_dense():
    fam = Family('dense')
    rng = np.random.default_rng(20240303)

    # ---------------- binaryCrossEntropy ----------------
    def bce_case(name, x, t, mode=None, pos_weight=None, weight=None, reduction=None, base=None, **extra):
        opts = {}
        if mode is not None:
            opts['inputs'] = mode
        if pos_weight is not None:
            opts['posWeight'] = pos_weight
        if weight is not None:
            opts['weight'] = weight
        if reduction is not None:
            opts['reduction'] = reduction
        if base is not None:
            opts['base'] = base
        red = reduction or 'mean'
        xt, tt = x.t(), t.t()
        w = None if weight is None else weight.t()
        if (mode or 'logits') == 'logits':
            # posWeight of length C broadcasts over the last dimension: input viewed as [-1, C]
            C = len(pos_weight) if pos_weight is not None else 1
            exp = F.binary_cross_entropy_with_logits(
                xt.reshape(-1, C), tt.reshape(-1, C), weight=None if w is None else w.reshape(-1, C),
                pos_weight=None if pos_weight is None else pos_weight.t(), reduction=red)
        else:
            exp = F.binary_cross_entropy(xt, tt, weight=w, reduction=red)  # clamps each log at -100
        exp = scale(exp.numpy().ravel() if red == 'none' else float(exp), base)
        if red == 'none':
            exp = expect_array(exp, out_dtype(x))
        fam.add('binaryCrossEntropy/' + name, 'binaryCrossEntropy', [x, t], opts or None, exp, **extra)

    for i, (N, C) in enumerate([(4, 1), (3, 3), (2, 8), (3, 17), (2, 33)]):
        for dt in FLOAT_DTYPES:
            tdt = FLOAT_DTYPES[(i + (dt == 'float64')) % 2]
            x = A(rng.normal(0, 3, N * C), dt, offset=(i % 2) * 3)
            hard = A(rng.integers(0, 2, N * C), tdt)
            soft = A(rng.uniform(0, 1, N * C), tdt, offset=((i + 1) % 2) * 2)
            bce_case('logits/%dx%d/%s/hard-%s/mean' % (N, C, dt, tdt), x, hard, 'logits')
            bce_case('logits/%dx%d/%s/soft-%s/none' % (N, C, dt, tdt), x, soft, 'logits', reduction='none')
            pw = A(rng.uniform(0.5, 4, C), FLOAT_DTYPES[i % 2], offset=(i % 3))
            w = A(rng.uniform(0, 2, N * C), FLOAT_DTYPES[(i + 1) % 2], offset=((i + 1) % 3))
            bce_case('logits/%dx%d/%s/posWeight/sum' % (N, C, dt), x, soft, 'logits', pos_weight=pw, reduction='sum')
            bce_case('logits/%dx%d/%s/posWeight+weight/none' % (N, C, dt), x, hard, 'logits', pos_weight=pw,
                     weight=w, reduction='none')
            bce_case('logits/%dx%d/%s/weight/mean' % (N, C, dt), x, soft, 'logits', weight=w)
            p = A(rng.uniform(0, 1, N * C), dt, offset=(i % 2))
            bce_case('probabilities/%dx%d/%s/soft/mean' % (N, C, dt), p, soft, 'probabilities')
            bce_case('probabilities/%dx%d/%s/hard/none' % (N, C, dt), p, hard, 'probabilities', reduction='none')
            bce_case('probabilities/%dx%d/%s/weight/sum' % (N, C, dt), p, hard, 'probabilities', weight=w,
                     reduction='sum')
    for dt in FLOAT_DTYPES:
        # large logits stay finite and exact: (1-t)x + softplus(-x) form
        xs = [100, -100, 1e4, -1e4, 100, -100, 1e4, -1e4, 30, -30, 0, 1e-8]
        ts = [1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0.25, 0.5, 1]
        bce_case('logits/large/%s/none' % dt, A(xs, dt), A(ts, dt), 'logits', reduction='none')
        bce_case('logits/large/%s/mean' % dt, A(xs, dt), A(ts, 'float64'), 'logits')
        bce_case('logits/large/posWeight/%s/none' % dt, A(xs, dt), A(ts, dt), 'logits',
                 pos_weight=A([2.0, 0.5, 3.0, 1.0], 'float64'), reduction='none')
        # probabilities exactly 0 and 1: torch clamps log(0) to -100, so the loss is at most 100
        ps = [0, 0, 0, 1, 1, 1, 0.5, 1e-30, 1 - 2 ** -24]
        ts2 = [0, 1, 0.5, 0, 1, 0.5, 0.5, 1, 0]
        bce_case('probabilities/edges/%s/none' % dt, A(ps, dt), A(ts2, dt), 'probabilities', reduction='none')
        bce_case('probabilities/edges/%s/sum' % dt, A(ps, dt), A(ts2, dt), 'probabilities', reduction='sum')
        bce_case('logits/nan/%s/none' % dt, A([NAN, 1, NAN], dt), A([1, NAN, 0], dt), 'logits', reduction='none')
        # infinite logits are outside "stable for any finite logit": torch's formula
        # (1-t) x + (1 + (pw-1) t) (log1p(exp(-|x|)) + max(-x, 0)) gives +inf for (+inf, t=0) and NaN
        # (0 * inf or inf - inf) for the other three; recorded as torch does
        bce_case('logits/infinite/%s/none' % dt, A([INF, INF, -INF, -INF], dt), A([0, 1, 0, 1], dt), 'logits',
                 reduction='none')
        for base in (2, 10):
            bce_case('base=%d/%s/mean' % (base, dt), A(rng.normal(0, 2, 6), dt), A(rng.uniform(0, 1, 6), dt),
                     'logits', base=base)
        for red in ('mean', 'sum', 'none'):
            bce_case('empty/%s/%s' % (dt, red), A([], dt), A([], dt), 'logits', reduction=red)
    # the default input kind is 'logits' (listed first in API.md, as crossEntropy's)
    bce_case('default-inputs/float32/mean', A(rng.normal(0, 2, 5), 'float32'), A([0, 1, 1, 0, 1], 'float32'))
    bce_case('array-input/none', A([0.5, -1.5, 2.0], 'array'), A([1, 0, 0.5], 'array'), 'logits', reduction='none')
    bce_case('out/float32', A([0.5, -1.5, 2.0], 'float32'), A([1, 0, 0.5], 'float32'), 'logits', reduction='none')
    fam.cases[-1]['options']['out'] = zeros_out(3, 'float32', offset=1).desc()
    x = A([0.5, -1.5, 2.0, 1.0], 'float32')
    fam.add('binaryCrossEntropy/error/targets-length', 'binaryCrossEntropy', [x, A([1, 0], 'float32')],
            {'inputs': 'logits'}, error='RangeError', match='targets')
    fam.add('binaryCrossEntropy/error/posWeight-length', 'binaryCrossEntropy', [x, A([1, 0, 1, 0], 'float32')],
            {'inputs': 'logits', 'posWeight': A([1, 2, 3], 'float32')}, error='RangeError', match='posWeight')
    fam.add('binaryCrossEntropy/error/weight-length', 'binaryCrossEntropy', [x, A([1, 0, 1, 0], 'float32')],
            {'inputs': 'logits', 'weight': A([1, 2, 3], 'float32')}, error='RangeError', match='weight')
    fam.add('binaryCrossEntropy/error/unknown-inputs', 'binaryCrossEntropy', [x, A([1, 0, 1, 0], 'float32')],
            {'inputs': 'log-probabilities'}, error='RangeError', match='inputs')
    fam.add('binaryCrossEntropy/error/unknown-option', 'binaryCrossEntropy', [x, A([1, 0, 1, 0], 'float32')],
            {'classes': 2}, error='TypeError', match='classes')

    # ---------------- sigmoidFocalLoss ----------------
    def sfl_case(name, x, t, alpha=None, gamma=None, reduction=None):
        opts = {}
        if alpha is not None:
            opts['alpha'] = alpha
        if gamma is not None:
            opts['gamma'] = gamma
        if reduction is not None:
            opts['reduction'] = reduction
        # default reduction 'mean' (API.md conventions), where torchvision's default is 'none'
        red = reduction or 'mean'
        a = 0.25 if alpha is None else alpha
        g = 2.0 if gamma is None else gamma
        per = sigmoid_focal_ref(x.f64, t.f64, a, g)
        if len(x) and np.all(np.abs(x.f64) < 30):
            xt, tt = x.t(), t.t()
            pt = torch.sigmoid(xt)
            ref = F.binary_cross_entropy_with_logits(xt, tt, reduction='none')
            pt = pt * tt + (1 - pt) * (1 - tt)
            ref = ref * ((1 - pt) ** g)
            if a >= 0:
                ref = (a * tt + (1 - a) * (1 - tt)) * ref
            assert close(per, ref.numpy(), 1e-10, 1e-15), name
        exp = reduce_(per, red)
        if red == 'none':
            exp = expect_array(exp, out_dtype(x))
        fam.add('sigmoidFocalLoss/' + name, 'sigmoidFocalLoss', [x, t], opts or None, exp)

    for i, n in enumerate([1, 3, 8, 17, 64, 257]):
        for dt in FLOAT_DTYPES:
            tdt = FLOAT_DTYPES[(i + (dt == 'float32')) % 2]
            x = A(rng.normal(0, 3, n), dt, offset=(i % 2) * 2)
            t = A(rng.integers(0, 2, n), tdt, offset=((i + 1) % 2))
            sfl_case('n=%d/%s/t-%s/defaults' % (n, dt, tdt), x, t)
            sfl_case('n=%d/%s/t-%s/sum' % (n, dt, tdt), x, t, reduction='sum')
            sfl_case('n=%d/%s/t-%s/none' % (n, dt, tdt), x, t, reduction='none')
    for dt in FLOAT_DTYPES:
        x = A(rng.normal(0, 2, 12), dt)
        t = A(rng.integers(0, 2, 12), dt)
        soft = A(rng.uniform(0, 1, 12), dt)
        for a, g in [(0.5, 2.0), (-1.0, 2.0), (0.25, 0.0), (0.75, 1.5), (-1, 0.0), (0.0, 3.0), (1.0, 1.0)]:
            sfl_case('alpha=%g/gamma=%g/%s/none' % (a, g, dt), x, t, alpha=a, gamma=g, reduction='none')
        sfl_case('soft-targets/%s/none' % dt, x, soft, reduction='none')
        # finite for any finite logit: computed in log space
        xs = [100, -100, 1e4, -1e4, 100, -100, 1e4, -1e4, 50, -50]
        ts = [1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0.5]
        sfl_case('large/%s/none' % dt, A(xs, dt), A(ts, dt), reduction='none')
        sfl_case('large/%s/sum' % dt, A(xs, dt), A(ts, dt), reduction='sum')
        sfl_case('large/no-alpha/%s/mean' % dt, A(xs, dt), A(ts, dt), alpha=-1)
        sfl_case('nan/%s/none' % dt, A([NAN, 1.0], dt), A([1, NAN], dt), reduction='none')
        for red in ('mean', 'sum', 'none'):
            sfl_case('empty/%s/%s' % (dt, red), A([], dt), A([], dt), reduction=red)
    sfl_case('array-input/none', A([0.5, -1.5, 2.0], 'array'), A([1, 0, 1], 'array'), reduction='none')
    fam.add('sigmoidFocalLoss/error/targets-length', 'sigmoidFocalLoss', [A([1, 2, 3], 'float64'),
            A([1, 0], 'float64')], None, error='RangeError', match='targets')
    fam.add('sigmoidFocalLoss/error/gamma-negative', 'sigmoidFocalLoss', [A([1, 2], 'float64'),
            A([1, 0], 'float64')], {'gamma': -1}, error='RangeError', match='gamma')

    # ---------------- softmaxFocalLoss ----------------
    def mfl_case(name, x, labels, K, alpha=None, gamma=None, ignore=None, reduction=None, mode=None,
                 give_classes=True):
        opts = {}
        if give_classes:
            opts['classes'] = K
        if alpha is not None:
            opts['alpha'] = alpha
        if gamma is not None:
            opts['gamma'] = gamma
        if ignore is not None:
            opts['ignoreIndex'] = ignore
        if reduction is not None:
            opts['reduction'] = reduction
        if mode is not None:
            opts['inputs'] = mode
        red = reduction or 'mean'
        g = 2.0 if gamma is None else gamma
        ig = -100 if ignore is None else ignore
        # alpha omitted means 1 (no class balancing); scalar alpha applies to every class
        if alpha is None:
            av = np.ones(K)
        elif isinstance(alpha, A):
            av = alpha.f64
        else:
            av = np.full(K, float(alpha))
        lp = log_probs(x.f64, mode or 'logits', K)[:, :, 0]
        lab = labels.ints
        per = np.zeros(lab.size)
        count = 0
        for n, y in enumerate(lab):
            if y == ig:
                continue
            l = lp[n, y]
            per[n] = -av[y] * (-np.expm1(l)) ** g * l  # 1 - p_y = -expm1(log p_y), exact near p_y = 1
            count += 1
        # 'mean' divides by the number of non-ignored samples (crossEntropy's rule without weight);
        # per-class alpha does not change the denominator. All ignored -> NaN.
        exp = reduce_(per, red, count)
        if g == 0 and alpha is None and (mode or 'logits') == 'logits' and lab.size:
            ref = F.cross_entropy(x.t(-1, K), torch.tensor(lab), ignore_index=ig, reduction=red)
            assert close(exp, ref.numpy() if red == 'none' else float(ref)), name
        if red == 'none':
            exp = expect_array(exp, out_dtype(x))
        fam.add('softmaxFocalLoss/' + name, 'softmaxFocalLoss', [x, labels], opts or None, exp)

    for i, K in enumerate([1, 2, 3, 7, 8, 9, 16, 17, 33, 1000]):
        dt = FLOAT_DTYPES[i % 2]
        N = 3 if K == 1000 else 5
        x = A(rng.normal(0, 3, N * K), dt, offset=(i % 3 == 0) * 2)
        lab = rng.integers(0, K, N)
        lab[1] = -100
        y = A(lab, label_dtype_for(i, K, negative=True), offset=(i % 3 == 1) * 3)
        mfl_case('K=%d/%s/alpha=0.25/mean' % (K, dt), x, y, K, alpha=0.25, give_classes=(i % 2 == 0))
        mfl_case('K=%d/%s/alpha=0.25/none' % (K, dt), x, y, K, alpha=0.25, reduction='none')
    for dt in FLOAT_DTYPES:
        K, N = 4, 6
        x = A(rng.normal(0, 2, N * K), dt)
        lab = rng.integers(0, K, N)
        lab[2] = -100
        y = A(lab, 'int32')
        aw = A(rng.uniform(0.1, 1, K), 'float64' if dt == 'float32' else 'float32', offset=1)
        for red in ('mean', 'sum', 'none'):
            mfl_case('alpha-per-class/%s/%s' % (dt, red), x, y, K, alpha=aw, reduction=red)
        for g in (0.0, 0.5, 1.0, 3.0):
            mfl_case('gamma=%g/%s/none' % (g, dt), x, y, K, alpha=0.5, gamma=g, reduction='none')
        mfl_case('gamma=0/no-alpha/%s/mean' % dt, x, y, K, gamma=0.0)  # equals crossEntropy (checked)
        mfl_case('default-alpha/%s/mean' % dt, x, y, K)
        mfl_case('ignore-custom/%s/mean' % dt, x, A([0, 1, 2, 3, 1, 1], 'int32'), K, alpha=0.25, ignore=1)
        mfl_case('ignore-all/%s/mean' % dt, x, A([-100] * 6, 'int32'), K, alpha=0.25)
        mfl_case('ignore-all/%s/sum' % dt, x, A([-100] * 6, 'int32'), K, alpha=0.25, reduction='sum')
        P = rng.dirichlet(np.ones(K), N)  # kept away from the clip bounds
        mfl_case('probabilities/%s/none' % dt, A(P.ravel(), dt), A(lab.clip(0), 'int32'), K, alpha=0.25,
                 mode='probabilities', reduction='none')
        mfl_case('log-probabilities/%s/mean' % dt, A(np.log(P).ravel(), dt), A(lab, 'int32'), K, alpha=0.25,
                 mode='log-probabilities')
        rows = [[-INF, 0, 1], [-INF, 0, 1], [INF, 0, 1], [NAN, 0, 1], [-INF, -INF, -INF], [0, 0, 40]]
        mfl_case('nonfinite/%s/none' % dt, A(np.array(rows).ravel(), dt), A([0, 1, 1, 1, 1, 2], 'int32'), 3,
                 alpha=0.25, reduction='none')
        mfl_case('large/%s/none' % dt, A([1e4, 0, -1e4, 1e4, 0, -1e4, 1e4, 0, -1e4], dt), A([0, 1, 2], 'int32'), 3,
                 alpha=0.25, reduction='none')
        for red in ('mean', 'sum', 'none'):
            mfl_case('empty/%s/%s' % (dt, red), A([], dt), A([], 'int32'), 3, alpha=0.25, reduction=red)
    mfl_case('array-input/none', A([0.5, -1.5, 2.0, 1, 1, 1], 'array'), A([2, 0], 'array'), 3, alpha=0.25,
             reduction='none')
    x = A(rng.normal(0, 1, 6), 'float32')
    fam.add('softmaxFocalLoss/error/label-out-of-range', 'softmaxFocalLoss', [x, A([0, 3], 'int32')],
            {'classes': 3}, error='RangeError', match=r'labels\[1\]')
    fam.add('softmaxFocalLoss/error/alpha-length', 'softmaxFocalLoss', [x, A([0, 2], 'int32')],
            {'classes': 3, 'alpha': A([1, 2], 'float32')}, error='RangeError', match='alpha')

    # ---------------- heatmapFocalLoss ----------------
    def make_gt(B, C, H, W, npos):
        gt = np.zeros((B, C, H, W))
        for _ in range(npos):
            b, c = rng.integers(0, B), rng.integers(0, C)
            cx, cy, r = rng.integers(0, W), rng.integers(0, H), int(rng.integers(1, 4))
            gt[b, c] = draw_ref(gt[b, c], H, W, cx, cy, r).reshape(H, W)
        return gt.ravel()

    def hfl_case(name, pred, gt, mode=None, alpha=None, beta=None, batch=None, reduction=None, **extra):
        opts = {}
        if mode is not None:
            opts['inputs'] = mode
        if alpha is not None:
            opts['alpha'] = alpha
        if beta is not None:
            opts['beta'] = beta
        if batch is not None:
            opts['batch'] = batch
        if reduction is not None:
            opts['reduction'] = reduction
        red = reduction or 'mean'
        loss, pos = heatmap_terms(pred.f64, gt.f64, mode or 'probabilities', 2.0 if alpha is None else alpha,
                                  4.0 if beta is None else beta)
        exp = heatmap_reduce(loss, pos, red, batch)
        if (mode or 'probabilities') == 'probabilities' and alpha is None and beta is None and red == 'mean' \
                and len(pred) and not np.any(np.isnan(pred.f64)):
            ref = cornernet_neg_loss_torch(torch.clamp(pred.t(), 1e-4, 1 - 1e-4), gt.t())
            assert close(exp, ref, 1e-11, 1e-12), (name, exp, ref)
        if red in ('none', 'per-sample'):
            exp = expect_array(exp, out_dtype(pred))
        fam.add('heatmapFocalLoss/' + name, 'heatmapFocalLoss', [pred, gt], opts or None, exp, **extra)

    for i, (B, C, H, W) in enumerate([(1, 1, 8, 8), (2, 3, 7, 9), (2, 1, 16, 16), (3, 2, 5, 17), (1, 4, 32, 32)]):
        for dt in FLOAT_DTYPES:
            gdt = FLOAT_DTYPES[(i + (dt == 'float64')) % 2]
            gt = A(make_gt(B, C, H, W, 2 * B * C), gdt, offset=(i % 2) * 3)
            n = B * C * H * W
            pred = A(rng.uniform(0.001, 0.999, n), dt, offset=((i + 1) % 2) * 2)
            logits = A(rng.normal(-2, 3, n), dt)
            tag = '%dx%dx%dx%d/%s/gt-%s' % (B, C, H, W, dt, gdt)
            hfl_case('probabilities/%s/mean' % tag, pred, gt, 'probabilities')
            hfl_case('logits/%s/mean' % tag, logits, gt, 'logits')
            hfl_case('probabilities/%s/per-sample' % tag, pred, gt, 'probabilities', batch=B, reduction='per-sample')
            hfl_case('logits/%s/per-sample' % tag, logits, gt, 'logits', batch=B, reduction='per-sample')
            if i < 3:
                hfl_case('probabilities/%s/sum' % tag, pred, gt, 'probabilities', reduction='sum')
                hfl_case('logits/%s/none' % tag, logits, gt, 'logits', reduction='none')
                hfl_case('probabilities/%s/none' % tag, pred, gt, 'probabilities', reduction='none')
                hfl_case('probabilities/%s/alpha=1/beta=2/mean' % tag, pred, gt, 'probabilities', alpha=1, beta=2)
    for dt in FLOAT_DTYPES:
        gt = A(make_gt(2, 1, 6, 6, 3), 'float32')
        # the default input kind is 'probabilities' (listed first in API.md; CornerNet)
        hfl_case('default-inputs/%s/mean' % dt, A(rng.uniform(0.01, 0.99, 72), dt), gt)
        # no positives anywhere: 'mean' is the un-normalised negative sum (CornerNet)
        hfl_case('no-positives/%s/mean' % dt, A(rng.uniform(0.01, 0.99, 16), dt), A(np.full(16, 0.5), dt),
                 'probabilities')
        # per-sample: the first image has positives, the second none (its negative sum)
        g2 = np.concatenate([make_gt(1, 1, 4, 4, 1), rng.uniform(0, 0.9, 16)])
        hfl_case('per-sample/one-empty/%s' % dt, A(rng.uniform(0.01, 0.99, 32), dt), A(g2, dt), 'probabilities',
                 batch=2, reduction='per-sample')
        # clamp at [1e-4, 1 - 1e-4]: exact 0 and 1 predictions stay finite.
        pe = [0, 1, 0, 1, 0.5, 1e-6, 1 - 1e-6, 0.2]
        ge = [1, 1, 0, 0, 0.3, 1, 0.9, 1]
        extra = {}
        if dt == 'float32':
            # 1 - 1e-4 is not representable in float32: clamping in float32 (0.99989998f) instead of
            # float64 moves log(1-p) by 2e-4 for a prediction of 1 with gt < 1.
            extra = {'rtol': 1e-6, 'atol': 1e-3}
        hfl_case('probabilities/clamp/%s/none' % dt, A(pe, dt), A(ge, dt), 'probabilities', reduction='none', **extra)
        hfl_case('probabilities/clamp/%s/sum' % dt, A(pe, dt), A(ge, dt), 'probabilities', reduction='sum', **extra)
        # logits: exact in log space, finite for large magnitudes
        le = [50, -50, 1e4, -1e4, 1e4, -1e4, 0, 20]
        hfl_case('logits/large/%s/none' % dt, A(le, dt), A(ge, dt), 'logits', reduction='none')
        hfl_case('logits/large/%s/mean' % dt, A(le, dt), A(ge, dt), 'logits')
        hfl_case('nan/%s/none' % dt, A([NAN, 0.5, 0.5], dt), A([1, NAN, 0], dt), 'probabilities', reduction='none')
        for red in ('mean', 'sum', 'none'):
            hfl_case('empty/%s/%s' % (dt, red), A([], dt), A([], dt), 'probabilities', reduction=red)
    x = A(rng.uniform(0.1, 0.9, 8), 'float32')
    fam.add('heatmapFocalLoss/error/gt-length', 'heatmapFocalLoss', [x, A(np.zeros(6), 'float32')], None,
            error='RangeError', match='gt')
    fam.add('heatmapFocalLoss/error/per-sample-without-batch', 'heatmapFocalLoss', [x, A(np.zeros(8), 'float32')],
            {'reduction': 'per-sample'}, error='RangeError', match='batch')
    fam.add('heatmapFocalLoss/error/batch-not-dividing', 'heatmapFocalLoss', [x, A(np.zeros(8), 'float32')],
            {'reduction': 'per-sample', 'batch': 3}, error='RangeError', match='batch')

    # ---------------- gaussianRadius ----------------
    sizes = [(10, 10), (100, 100), (37.5, 12.25), (1, 1000), (512, 3), (0, 20), (0.5, 0.5), (64, 128)]
    for h, w in sizes:
        for variant in ('cornernet', 'centernet'):
            for o in (0.7, 0.3, 0.9):
                opts = {}
                if o != 0.7:
                    opts['minOverlap'] = o
                if variant != 'cornernet' or (h, w) == (10, 10):
                    opts['variant'] = variant
                exp = gaussian_radius(float(h), float(w), o, variant)
                fam.add('gaussianRadius/%s/%gx%g/o=%g' % (variant, h, w, o), 'gaussianRadius', [h, w], opts or None,
                        exp)
    # the default is the corrected 'cornernet' formula with minOverlap 0.7
    fam.add('gaussianRadius/defaults/24x40', 'gaussianRadius', [24, 40], None, gaussian_radius(24.0, 40.0, 0.7,
                                                                                              'cornernet'))
    fam.add('gaussianRadius/error/minOverlap-above-1', 'gaussianRadius', [10, 10], {'minOverlap': 1.5},
            error='RangeError', match='minOverlap')
    fam.add('gaussianRadius/error/negative-height', 'gaussianRadius', [-1, 10], None, error='RangeError',
            match='height')
    fam.add('gaussianRadius/error/unknown-variant', 'gaussianRadius', [10, 10], {'variant': 'mmdet'},
            error='RangeError', match='variant')

    # ---------------- drawGaussian ----------------
    def dg_case(name, hm, H, W, x, y, r, k=None):
        args = [hm, {'height': H, 'width': W}, x, y, r]
        exp = draw_ref(hm.f64, H, W, x, y, r, 1.0 if k is None else k)
        if 0 <= x < W and 0 <= y < H:
            assert close(exp, draw_umich_check(hm.f64, H, W, x, y, r, 1.0 if k is None else k), 0, 0), name
        fam.add('drawGaussian/' + name, 'drawGaussian', args, None if k is None else {'k': k},
                expect_array(exp, hm.dtype), inplace=True)

    for dt in FLOAT_DTYPES:
        for H, W, x, y, r, k in [(9, 9, 4, 4, 2, None), (9, 9, 4, 4, 0, None), (16, 12, 5, 7, 3, None),
                                 (10, 10, 0, 0, 3, None), (10, 10, 9, 9, 3, None), (10, 10, 0, 9, 4, 0.5),
                                 (7, 20, 19, 3, 5, None), (8, 8, -2, 3, 3, None), (8, 8, 3, 10, 3, None),
                                 (8, 8, -5, 3, 3, None), (32, 32, 16, 16, 10, 2.0), (5, 5, 2, 2, 7, None)]:
            hm = A(np.zeros(H * W), dt, offset=(x % 3))
            dg_case('empty-map/%dx%d/x=%d/y=%d/r=%d/k=%s/%s' % (H, W, x, y, r, k, dt), hm, H, W, x, y, r, k)
        # max-combining with what is already there
        H, W = 12, 12
        base = draw_ref(np.zeros(H * W), H, W, 4, 5, 3)
        base = np.maximum(base, rng.uniform(0, 0.3, H * W))
        dg_case('max-combine/%s' % dt, A(base, dt, offset=1), H, W, 6, 6, 3)
        dg_case('max-combine/k=0.5/%s' % dt, A(base, dt), H, W, 5, 5, 2, 0.5)
    hm = A(np.zeros(16), 'float32')
    fam.add('drawGaussian/error/heatmap-length', 'drawGaussian', [hm, {'height': 3, 'width': 4}, 1, 1, 1], None,
            error='RangeError', match='heatmap')
    fam.add('drawGaussian/error/negative-radius', 'drawGaussian', [hm, {'height': 4, 'width': 4}, 1, 1, -1], None,
            error='RangeError', match='radius')

    # ---------------- renderHeatmaps ----------------
    def rh_case(name, B, C, H, W, pts, columnar=False):
        out = np.zeros((B, C, H * W))
        for p in pts:
            out[p['batch'], p['channel']] = draw_ref(out[p['batch'], p['channel']], H, W, p['x'], p['y'], p['radius'])
        if columnar:
            cols = {}
            for key, dtp in [('batch', 'int32'), ('channel', 'uint8'), ('x', 'int32'), ('y', 'int16'),
                             ('radius', 'float64')]:
                cols[key] = A([p[key] for p in pts], dtp, offset=(1 if key == 'x' else 0))
            points = cols
        else:
            points = pts
        arg = {'batch': B, 'channels': C, 'height': H, 'width': W, 'points': points}
        fam.add('renderHeatmaps/' + name, 'renderHeatmaps', [arg], None, expect_array(out.ravel(), 'float32'))

    def rand_points(B, C, H, W, n):
        return [{'batch': int(rng.integers(0, B)), 'channel': int(rng.integers(0, C)),
                 'x': int(rng.integers(-1, W + 1)), 'y': int(rng.integers(-1, H + 1)),
                 'radius': int(rng.integers(0, 5))} for _ in range(n)]

    for B, C, H, W, n in [(1, 1, 8, 8, 1), (2, 3, 10, 12, 6), (3, 2, 16, 16, 10), (1, 17, 5, 7, 20)]:
        pts = rand_points(B, C, H, W, n)
        rh_case('objects/%dx%dx%dx%d/n=%d' % (B, C, H, W, n), B, C, H, W, pts)
        rh_case('columnar/%dx%dx%dx%d/n=%d' % (B, C, H, W, n), B, C, H, W, pts, columnar=True)
    rh_case('no-points', 2, 2, 3, 3, [])
    rh_case('overlapping-same-centre', 1, 1, 9, 9, [{'batch': 0, 'channel': 0, 'x': 4, 'y': 4, 'radius': 1},
                                                     {'batch': 0, 'channel': 0, 'x': 4, 'y': 4, 'radius': 3}])
    fam.add('renderHeatmaps/error/channel-out-of-range', 'renderHeatmaps',
            [{'batch': 1, 'channels': 2, 'height': 4, 'width': 4,
              'points': [{'batch': 0, 'channel': 0, 'x': 1, 'y': 1, 'radius': 1},
                         {'batch': 0, 'channel': 2, 'x': 1, 'y': 1, 'radius': 1}]}], None,
            error='RangeError', match='channel')
    fam.add('renderHeatmaps/error/batch-out-of-range', 'renderHeatmaps',
            [{'batch': 1, 'channels': 2, 'height': 4, 'width': 4,
              'points': [{'batch': 1, 'channel': 0, 'x': 1, 'y': 1, 'radius': 1}]}], None,
            error='RangeError', match='batch')

    # ---------------- mseLoss ----------------
    def mse_case(name, pred, target, weight=None, reduction=None):
        opts = {}
        if weight is not None:
            opts['weight'] = weight
        if reduction is not None:
            opts['reduction'] = reduction
        red = reduction or 'mean'
        d = pred.f64 - target.f64
        if weight is None:
            per = d * d
        else:
            # weight of length L dividing n: element i takes weight[floor(i / (n / L))], i.e. one weight
            # per leading block (per channel of a [C, H, W] map, per element when L = n)
            L, n = len(weight), len(pred)
            per = weight.f64[np.arange(n) // (n // L)] * d * d if n else np.zeros(0)
        # 'mean' divides by the element count, as (w * (p - t) ** 2).mean() in PyTorch
        exp = reduce_(per, red)
        if weight is None and len(pred):
            ref = F.mse_loss(pred.t(), target.t(), reduction=red)
            assert close(exp, ref.numpy() if red == 'none' else float(ref)), name
        if red == 'none':
            exp = expect_array(exp, out_dtype(pred))
        fam.add('mseLoss/' + name, 'mseLoss', [pred, target], opts or None, exp)

    for i, n in enumerate([1, 3, 8, 17, 64, 1000]):
        dt = FLOAT_DTYPES[i % 2]
        tdt = FLOAT_DTYPES[(i // 2) % 2]
        p = A(rng.normal(0, 1, n), dt, offset=(i % 3 == 0) * 1)
        t = A(rng.uniform(0, 1, n), tdt, offset=(i % 3 == 1) * 2)
        for red in ('mean', 'sum', 'none'):
            mse_case('n=%d/%s/t-%s/%s' % (n, dt, tdt, red), p, t, reduction=red)
        mse_case('n=%d/%s/t-%s/default' % (n, dt, tdt), p, t)
        w = A(rng.uniform(0, 2, n), FLOAT_DTYPES[(i + 1) % 2], offset=(i % 3 == 2) * 1)
        mse_case('n=%d/%s/weight-per-element/mean' % (n, dt), p, t, weight=w)
        mse_case('n=%d/%s/weight-per-element/none' % (n, dt), p, t, weight=w, reduction='none')
    for dt in FLOAT_DTYPES:
        C, H, W = 3, 4, 5
        p = A(rng.uniform(0, 1, C * H * W), dt)
        t = A(make_gt(1, C, H, W, 3), 'float32')
        wc = A([1.0, 0.5, 2.0], 'float64', offset=2)
        for red in ('mean', 'sum', 'none'):
            mse_case('weight-per-channel/%s/%s' % (dt, red), p, t, weight=wc, reduction=red)
        mse_case('nonfinite/%s/none' % dt, A([NAN, INF, -INF, 1], dt), A([0, 0, 0, INF], dt), reduction='none')
        mse_case('large/%s/sum' % dt, A([1e19, -1e19, 1e-20], dt), A([0, 0, 0], dt), reduction='sum')
        for red in ('mean', 'sum', 'none'):
            mse_case('empty/%s/%s' % (dt, red), A([], dt), A([], dt), reduction=red)
    mse_case('array-input/none', A([0.5, -1.5, 2.0], 'array'), A([1, 0, 0.5], 'array'), reduction='none')
    x = A([0.5, -1.5, 2.0, 1.0], 'float32')
    fam.add('mseLoss/error/target-length', 'mseLoss', [x, A([1, 0], 'float32')], None, error='RangeError',
            match='target')
    fam.add('mseLoss/error/weight-not-dividing', 'mseLoss', [x, x], {'weight': A([1, 2, 3], 'float32')},
            error='RangeError', match='weight')
    return fam


FAMILIES = {'classification': gen_classification, 'distributions': gen_distributions, 'dense': gen_dense}


def main(argv):
    names = argv[1:] or list(FAMILIES)
    for n in names:
        FAMILIES[n]().write()


if __name__ == '__main__':
    main(sys.argv)
