#!/usr/bin/env python3
"""facenet-pytorch's MTCNN.detect on a few photos, timed as benchmarks/HeldOutDetection times FaceEmbeddings (issue 20).

    PYTHONPATH=../shared/peer /usr/bin/python3 benchmarks/peer-detect.py [rounds] photo...

Default MTCNN settings, CPU, torch.set_num_threads(2) as ../shared/peer/peer_audit.py; each round detects every photo
once; the first round is a warm-up. Prints the images/s of each round and their median.
"""
import statistics
import sys
import time

import torch
from PIL import Image
from facenet_pytorch import MTCNN

torch.set_num_threads(2)
args = sys.argv[1:]
rounds = int(args.pop(0)) if args and args[0].isdigit() else 5
images = [Image.open(path).convert("RGB") for path in args]
mtcnn = MTCNN(device="cpu")
print("photos: " + ", ".join(f"{image.width}×{image.height}" for image in images))
rates = []
for round_ in range(rounds + 1):
    started = time.perf_counter()
    faces = sum(0 if boxes is None else len(boxes) for boxes, _ in (mtcnn.detect(image) for image in images))
    seconds = time.perf_counter() - started
    if round_ > 0:
        rates.append(len(images) / seconds)
    print(f"round {round_}: {faces} faces, {seconds * 1000:.0f} ms, {len(images) / seconds:.2f} images/s" + (" (warm-up)" if round_ == 0 else ""))
print(f"median: {statistics.median(rates):.2f} images/s over {rounds} rounds")
