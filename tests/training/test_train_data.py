"""The packed-block reader: data order as a pure function of the step, rank slices, epochs."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from pipelines.core.errors import ConfigError, InputError
from training.data import BlockReader, open_packed, val_batches
from training.synthetic import write_packed


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    # 200 train blocks in 2 files of 100, row groups of 16: 14 row groups, uneven last ones.
    return write_packed(
        tmp_path_factory.mktemp("blocks"), seq_len=16, train_blocks=200, val_blocks=40,
        rows_per_group=16,
    )  # fmt: skip


def reader(data, **kw):
    packed = open_packed(data)
    options = {"batch_size": 4, "rank": 0, "world_size": 1, "seed": 7} | kw
    return BlockReader(packed.train_files, **options)


def all_blocks(data) -> np.ndarray:
    r = reader(data)
    return np.concatenate([r.group(i) for i in range(len(r.groups))])


def test_open_packed_accepts_data_dir_run_dir_and_objects(data):
    class Packed:
        data_dir = data

    for source in (data, data.parent, str(data), Packed()):
        packed = open_packed(source)
        assert packed.dir == data and packed.seq_len == 16 and len(packed.train_files) == 2
        assert packed.tokenizer_dir == data.parent / "tokenizer"


def test_open_packed_explains_what_is_missing(tmp_path, data):
    with pytest.raises(InputError, match="no packed.json"):
        open_packed(tmp_path)
    info = json.loads((data / "packed.json").read_text())
    (tmp_path / "packed.json").write_text(json.dumps(info))  # lists files that are not here
    with pytest.raises(InputError, match="packed files missing"):
        open_packed(tmp_path)


def test_a_batch_is_a_pure_function_of_its_index(data):
    a, b = reader(data), reader(data)
    late = [b.batch(g) for g in (40, 3, 77)]  # a fresh reader, out of order
    assert all(torch.equal(x, a.batch(g)) for x, g in zip(late, (40, 3, 77)))
    assert not torch.equal(a.batch(3), reader(data, seed=8).batch(3))


def test_epoch_visits_each_block_once_and_epochs_differ(data):
    r = reader(data)
    assert r.batches_per_epoch == 50
    epoch0 = torch.cat([r.batch(g) for g in range(50)])
    epoch1 = torch.cat([r.batch(g) for g in range(50, 100)])
    expected = sorted(map(tuple, all_blocks(data).tolist()))
    assert sorted(map(tuple, epoch0.tolist())) == expected
    assert sorted(map(tuple, epoch1.tolist())) == expected
    assert not torch.equal(epoch0, epoch1)


def test_ranks_split_the_single_worker_batch(data):
    """Rank r of W takes slice r of the global batch a single worker with B*W would read."""
    single = reader(data, batch_size=8)
    ranks = [reader(data, batch_size=4, rank=r, world_size=2) for r in range(2)]
    for g in (0, 13, 24, 25, 60):  # 25 batches an epoch: 60 is in epoch 2
        assert torch.equal(torch.cat([r.batch(g) for r in ranks]), single.batch(g))


def test_shuffle_stays_within_a_window_of_row_groups(data):
    """Consecutive blocks come from at most 8 row groups (the reader caches them); a global
    shuffle would touch all 14 in the first 64 blocks."""
    r = reader(data)
    for epoch in (0, 1):
        groups = np.searchsorted(r.starts, r.order(epoch)[:64], side="right") - 1
        assert len(np.unique(groups)) <= 8


def test_batch_too_big_for_the_data_says_so(data):
    with pytest.raises(ConfigError, match="fewer than one global batch"):
        reader(data, batch_size=150, world_size=2)


def test_val_batches_are_fixed_and_split_across_ranks(data):
    packed = open_packed(data)
    one = val_batches(packed.val_files, batch_size=8, rank=0, world_size=1, max_batches=3)
    assert [b.shape for b in one] == [torch.Size([8, 16])] * 3
    two = [val_batches(packed.val_files, batch_size=4, rank=r, world_size=2, max_batches=3) for r in (0, 1)]  # fmt: skip
    for i in range(3):
        assert torch.equal(torch.cat([two[0][i], two[1][i]]), one[i])
    # 40 val blocks: 5 batches of 8 at most; a batch bigger than val shrinks to fit.
    assert (
        len(val_batches(packed.val_files, batch_size=8, rank=0, world_size=1, max_batches=9)) == 5
    )
    big = val_batches(packed.val_files, batch_size=64, rank=1, world_size=2, max_batches=2)
    assert [b.shape[0] for b in big] == [20]
