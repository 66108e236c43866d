"""Writes test/fixtures/npy/*.npy with NumPy itself, so the .npy reader is tested against the
reference writer (versions 1.0/2.0/3.0, both byte orders, every dtype the CLI reads, Fortran order).
Run: /usr/bin/python3 tools/gen_npy_fixtures.py   (numpy >= 1.17)"""
import json
import os

import numpy as np

out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'npy')
os.makedirs(out, exist_ok=True)
values = [0, 1, -2, 3, 100, -101, 7, 42, -1, 5, 9, -8]
cases = {}
for descr in ['<f2', '>f2', '<f4', '>f4', '<f8', '>f8', '|i1', '|u1', '<i2', '>i2', '<u2', '<i4', '>i4', '<u4', '<i8', '>i8', '<u8', '|b1']:
    v = [abs(x) for x in values] if descr[1] == 'u' else values
    a = np.array(v).astype(descr).reshape(3, 4)
    name = 'v1_' + descr.replace('<', 'le_').replace('>', 'be_').replace('|', '') + '.npy'
    np.save(os.path.join(out, name), a)
    cases[name] = {'shape': [3, 4], 'values': [float(x) for x in a.ravel()]}
a = (np.arange(6, dtype='<f8') / 4 - 0.5).reshape(2, 3)
for version in [(2, 0), (3, 0)]:
    name = 'v%d_le_f8.npy' % version[0]
    with open(os.path.join(out, name), 'wb') as f:
        np.lib.format.write_array(f, a, version=version)
    cases[name] = {'shape': [2, 3], 'values': a.ravel().tolist()}
np.save(os.path.join(out, 'fortran_f4.npy'), np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))
np.save(os.path.join(out, 'fortran_1d_f4.npy'), np.asfortranarray(np.arange(4, dtype='<f4')))
cases['fortran_1d_f4.npy'] = {'shape': [4], 'values': [0.0, 1.0, 2.0, 3.0]}
np.save(os.path.join(out, 'scalar_f8.npy'), np.float64(2.5))
cases['scalar_f8.npy'] = {'shape': [], 'values': [2.5]}
np.save(os.path.join(out, 'complex_c8.npy'), np.zeros(3, dtype='<c8'))
np.save(os.path.join(out, 'structured.npy'), np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
np.save(os.path.join(out, 'big_i8.npy'), np.array([1, 2**40, -3], dtype='<i8'))
cases['big_i8.npy'] = {'shape': [3], 'values': [1, 2**40, -3]}
with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump({'numpy': np.__version__, 'cases': cases}, f, indent=0, sort_keys=True)
    f.write('\n')
