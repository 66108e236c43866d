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


FAMILIES = {'classification': gen_classification, 'distributions': gen_distributions}


def main(argv):
    names = argv[1:] or list(FAMILIES)
    for n in names:
        FAMILIES[n]().write()


if __name__ == '__main__':
    main(sys.argv)
