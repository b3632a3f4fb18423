"""Converts a GDSS checkpoint (harryjo97/GDSS, checkpoints/*/gdss_*.pth) into two NPZ files whose arrays are
named by diffusion4j's GraphNet parameters, for `d4j graphs import`.

usage: python gdss_checkpoint_to_npz.py gdss_community_small.pth OUT_PREFIX [ema]
writes OUT_PREFIX-x.npz (ScoreNetworkX) and OUT_PREFIX-adj.npz (ScoreNetworkA); with `ema`, the EMA weights.

Mapping (GraphNet keeps only parameters that reach the output; GDSS's DenseGCNConv stores W as (in, out)):
  ScoreNetworkX   layers.L.weight^T -> layerL.gcn.weight, layers.L.bias -> layerL.gcn.bias,
                  final.linears.K.* -> final.K.*
  ScoreNetworkA   layers.L.attn.C.gnn_{q,k,v}.weight^T stacked over C -> layerL.{q,k,v}.weight (C, out, in),
                  biases stacked -> (C, out); v only for L < last; layers.L.multi_channel.linears.K.* ->
                  layerL.channels.K.* (L < last); layers.L.mlp.linears.K.* -> layerL.edge.K.*;
                  final.linears.K.* -> final.K.*
"""
import sys, types
import numpy as np
import torch


class EasyDict(dict):  # the checkpoint pickles an EasyDict config
    def __getattr__(self, k):
        return self[k]

    def __setstate__(self, st):
        self.update(st)


ed = types.ModuleType('easydict')
ed.EasyDict = EasyDict
sys.modules.setdefault('easydict', ed)

path, prefix = sys.argv[1], sys.argv[2]
use_ema = len(sys.argv) > 3 and sys.argv[3] == 'ema'
ck = torch.load(path, map_location='cpu')


def state(which):
    sd = ck[which + '_state_dict']
    if use_ema:
        names = list(sd.keys())
        shadow = ck['ema_' + which]['shadow_params']
        sd = dict(zip(names, shadow))
    return {k.replace('module.', ''): v.detach().numpy().astype(np.float32) for k, v in sd.items()}


sx = state('x')
out = {}
depth = ck['params_x']['depth']
for l in range(depth):
    out['layer%d.gcn.weight' % l] = sx['layers.%d.weight' % l].T
    out['layer%d.gcn.bias' % l] = sx['layers.%d.bias' % l]
for k in range(3):
    out['final.%d.weight' % k] = sx['final.linears.%d.weight' % k]
    out['final.%d.bias' % k] = sx['final.linears.%d.bias' % k]
np.savez(prefix + '-x.npz', **out)

sa = state('adj')
pa = ck['params_adj']
layers, linears = pa['num_layers'], pa['num_linears']
out = {}
for l in range(layers):
    channels = len({k.split('.')[3] for k in sa if k.startswith('layers.%d.attn.' % l)})
    for g in ('q', 'k') + (('v',) if l < layers - 1 else ()):
        out['layer%d.%s.weight' % (l, g)] = np.stack(
            [sa['layers.%d.attn.%d.gnn_%s.weight' % (l, c, g)].T for c in range(channels)])
        out['layer%d.%s.bias' % (l, g)] = np.stack(
            [sa['layers.%d.attn.%d.gnn_%s.bias' % (l, c, g)] for c in range(channels)])
    if l < layers - 1:
        for k in range(2):
            out['layer%d.channels.%d.weight' % (l, k)] = sa['layers.%d.multi_channel.linears.%d.weight' % (l, k)]
            out['layer%d.channels.%d.bias' % (l, k)] = sa['layers.%d.multi_channel.linears.%d.bias' % (l, k)]
    for k in range(linears):
        out['layer%d.edge.%d.weight' % (l, k)] = sa['layers.%d.mlp.linears.%d.weight' % (l, k)]
        out['layer%d.edge.%d.bias' % (l, k)] = sa['layers.%d.mlp.linears.%d.bias' % (l, k)]
for k in range(3):
    out['final.%d.weight' % k] = sa['final.linears.%d.weight' % k]
    out['final.%d.bias' % k] = sa['final.linears.%d.bias' % k]
np.savez(prefix + '-adj.npz', **out)
print('wrote', prefix + '-x.npz', prefix + '-adj.npz')
