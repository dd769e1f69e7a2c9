"""PyTorch peer of the suite's training section (bench/suite.mjs): one training step of the README's small CNN
(conv3x3x32-pool-conv3x3x64-pool-dense128-dense10, 'same' padding, relu), batch 64, Adam,
softmax cross-entropy, one thread. Prints one JSON line: per-step times after warm-up.
    /usr/bin/python3 bench/train_torch.py [--steps N] [--warmup N] [--batch B]
"""
import argparse
import json
import time

import torch
from torch import nn


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--batch', type=int, default=64)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = small_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(args.batch, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({
        'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': args.batch,
        'params': sum(p.numel() for p in model.parameters()), 'msPerStep': times,
    }))


if __name__ == '__main__':
    main()
