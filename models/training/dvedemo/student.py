"""DVEFormer-style student: one RGB-D Swin-V2 nano encoder + all-MLP SegFormer decoder.

Like DVEFormer, RGB and depth get their own patch-embedding convs whose outputs are
concatenated (24 + 24 = 48 channels) before the shared Swin stages. The decoder projects each
stage to DEC channels, upsamples to 1/4, concatenates, fuses (1x1 conv + BN + ReLU) and a 1x1
head gives D channels at stride 4. The output is NOT L2-normalised (the console does that).
"""
import sys

import torch
from torch import nn
import torch.nn.functional as F


def import_torchvision():
    """torchvision 0.28 (+cu130 wheel) next to torch 2.13+cpu cannot load its _C ops; define the
    two op schemas it registers so the pure-Python models import (toolchain doc, pitfall 6)."""
    try:
        import torchvision  # noqa: F401
    except RuntimeError:
        for k in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
            del sys.modules[k]
        lib = torch.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        import_torchvision.lib = lib  # keep the library object alive
    import torchvision.models.swin_transformer as swin
    return swin


class MergedPatchEmbed(nn.Module):
    def __init__(self, out_ch=48, patch=4):
        super().__init__()
        self.rgb = nn.Conv2d(3, out_ch // 2, patch, patch)
        self.depth = nn.Conv2d(1, out_ch // 2, patch, patch)

    def forward(self, x):
        return torch.cat([self.rgb(x[:, :3]), self.depth(x[:, 3:4])], 1)


class Student(nn.Module):
    def __init__(self, dim=256, dec=128, fuse=256, embed=48):
        super().__init__()
        swin = import_torchvision()
        enc = swin.SwinTransformer(patch_size=[4, 4], embed_dim=embed, depths=[2, 2, 2, 2],
                                   num_heads=[2, 4, 8, 16], window_size=[8, 8],
                                   stochastic_depth_prob=0.05, block=swin.SwinTransformerBlockV2,
                                   downsample_layer=swin.PatchMergingV2)
        enc.features[0][0] = MergedPatchEmbed(embed)
        self.features = enc.features  # [stem, stage1, merge, stage2, merge, stage3, merge, stage4]
        chans = [embed, embed * 2, embed * 4, embed * 8]
        self.norms = nn.ModuleList(nn.LayerNorm(c) for c in chans)
        self.proj = nn.ModuleList(nn.Conv2d(c, dec, 1) for c in chans)
        self.fuse = nn.Sequential(nn.Conv2d(4 * dec, fuse, 1, bias=False), nn.BatchNorm2d(fuse), nn.ReLU(inplace=True))
        self.head = nn.Conv2d(fuse, dim, 1)

    def forward(self, rgb, depth):
        x = torch.cat([rgb, depth], 1)
        outs = []
        for i, layer in enumerate(self.features):
            x = layer(x)
            if i in (1, 3, 5, 7):
                outs.append(x)
        size = outs[0].shape[1:3]
        feats = []
        for k, (o, n, p) in enumerate(zip(outs, self.norms, self.proj)):
            y = p(n(o).permute(0, 3, 1, 2))
            if k:
                y = F.interpolate(y, size=size, mode="bilinear", align_corners=False)
            feats.append(y)
        return self.head(self.fuse(torch.cat(feats, 1)))
